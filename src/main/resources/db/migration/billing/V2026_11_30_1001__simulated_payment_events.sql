-- Events made by the simulated checkout get a provider of their own, so that their handler can
-- refuse them once payments are real: a simulated payment stored during a development or beta
-- period (and still waiting for a retry) must never be granted after the switch to Creem or Stripe.
alter table payment_event drop constraint payment_event_provider_check;
alter table payment_event
    add constraint payment_event_provider_check check (provider in ('creem', 'stripe', 'simulated'));

-- Before this, the simulated checkout stored its events as 'creem' with ids 'sim_evt_<checkout>_…';
-- real Creem event ids never start so.
update payment_event set provider = 'simulated' where provider = 'creem' and event_id like 'sim\_evt\_%';

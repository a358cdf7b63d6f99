-- What a checkout offered when it was opened: the product's credits (per month for a plan), price
-- and currency of that moment. Its payment grants those credits, and a plan's subscription keeps
-- granting them while it stays on that plan, whatever the catalogue says when the money arrives
-- (a Stripe Checkout Session stays payable for a day, and the catalogue may change and restart
-- meanwhile). Null for checkouts opened before: the catalogue of the day of payment, as before.
alter table billing_checkout
    add column offered_credits     bigint check (offered_credits > 0),
    add column offered_price_minor bigint check (offered_price_minor > 0),
    add column offered_currency    text,
    add constraint billing_checkout_offer_whole check (
        (offered_credits is null and offered_price_minor is null and offered_currency is null)
        or (offered_credits is not null and offered_price_minor is not null and offered_currency is not null));

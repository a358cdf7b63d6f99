-- The price a paid period's plan was sold at (with its monthly_credits: the terms the period was
-- granted with): the checkout's offer while the subscription stays on its plan at that price, else
-- the catalogue's of the day of payment. The account page shows a plan's terms from its latest
-- period, not from the catalogue of today (old subscribers keep renewing at what they were sold).
-- Null for periods recorded before: the page shows the catalogue's price for those, as before.
-- The constraints NOT VALID (every existing row has both columns null, which they allow): no scan of
-- the table under its exclusive lock, only a change of the catalogue.
alter table billing_subscription_period
    add column price_minor bigint,
    add column currency    text,
    add constraint billing_subscription_period_price_not_negative check (price_minor >= 0) not valid,
    add constraint billing_subscription_period_price_whole check ((price_minor is null) = (currency is null)) not valid;

-- The price a paid period's plan was sold at (with its monthly_credits: the terms the period was
-- granted with): the checkout's offer while the subscription stays on its plan at that price, else
-- the catalogue's of the day of payment. The account page shows a plan's terms from its latest
-- period, not from the catalogue of today (old subscribers keep renewing at what they were sold).
-- Null for periods recorded before: the page shows the catalogue's price for those, as before.
alter table billing_subscription_period
    add column price_minor bigint check (price_minor >= 0),
    add column currency    text,
    add constraint billing_subscription_period_price_whole check ((price_minor is null) = (currency is null));

-- What the payment provider last said about an open checkout when reconciliation asked it, and when.
-- Before, a checkout that was never paid stayed OPEN and every run asked Creem about it again, oldest
-- first, from one budget of calls: a few hundred abandoned checkouts (or one user opening many) used
-- the whole budget, and a paid checkout whose webhook was lost was never asked about. Now a checkout
-- the provider reports expired is not asked again, one it reports unpaid is asked again only after a
-- back-off, and the checkouts never asked come first. Null: never asked (every checkout before this).
-- Nullable columns without a default and a constraint NOT VALID (every existing row has both null,
-- which it allows): no scan of the table under its exclusive lock, only a change of the catalogue.
alter table billing_checkout
    add column provider_answer     text,
    add column provider_checked_at timestamptz,
    add constraint billing_checkout_provider_answer_checked check (
        (provider_answer is null) = (provider_checked_at is null)) not valid;

-- The open checkouts of a provider in reconciliation's window, which it reads each run. A plain build
-- blocks writes to billing_checkout while it runs: on a big table create it beforehand with CREATE
-- INDEX CONCURRENTLY under this name (README's migration notes), and this builds nothing.
create index if not exists billing_checkout_open_at_provider_idx on billing_checkout (provider, created_at)
    where status = 'OPEN' and provider_ref is not null;

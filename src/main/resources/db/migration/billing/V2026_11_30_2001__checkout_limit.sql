-- Checkouts started per user in the current window (renderbank.payments.checkout-limit): one row per
-- user, counted by a conditional upsert, so the limit holds across every node sharing the database.
create table billing_checkout_rate (
    user_id      bigint primary key,
    window_start timestamptz not null,
    calls        int         not null check (calls > 0)
);

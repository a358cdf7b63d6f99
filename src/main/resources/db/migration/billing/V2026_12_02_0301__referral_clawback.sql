-- The purchase that earns a referral reward (the referee's first) and what of the reward was clawed
-- back when that purchase was refunded or charged back. Rows rewarded before these columns existed
-- keep a null purchase: their reward is never adjusted. A row with a purchase and no rewarded_at
-- waits for its referrer to verify their email address.
alter table billing_referral add column purchase_id bigint;
alter table billing_referral add column clawed bigint not null default 0 check (clawed >= 0);
create unique index billing_referral_purchase_idx on billing_referral (purchase_id);

-- The ledger grants of a referral reward: the reward itself, then what a won dispute or a failed
-- refund gave back after a clawback (clawbacks take from the latest first, as for purchases).
create table billing_referral_grant (
    id         bigserial primary key,
    grant_key  text        not null unique,
    referee_id bigint      not null references billing_referral (referee_id),
    amount     bigint      not null check (amount > 0),
    created_at timestamptz not null
);
create index billing_referral_grant_referee_idx on billing_referral_grant (referee_id, id);

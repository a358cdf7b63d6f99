-- Each user's referral code for links like /signup?ref=<code>: made on first use, then never changed,
-- so links already shared keep working. The code says nothing about the user (random, not the id).
create table billing_referral_code (
    user_id    bigint primary key,
    code       text        not null unique check (code ~ '^[a-z0-9]{8,32}$'),
    created_at timestamptz not null
);

-- What the referrer was paid for this referee (set with rewarded_at), so "what referrals earned"
-- stays true when the configured reward changes later. Rows rewarded before this column existed
-- keep null and are counted at the configured reward.
alter table billing_referral add column reward bigint check (reward >= 0);
create index billing_referral_referrer_idx on billing_referral (referrer_id);

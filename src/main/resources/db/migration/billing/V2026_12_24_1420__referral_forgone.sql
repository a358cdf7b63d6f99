-- Referees whose referral was forgotten because the address's owner took the account back before
-- confirming it (ReferralAtRecovery): a tombstone the sign-up's recording respects. The sign-up
-- handler (billing.referral-at-signup) and the recovery handler are separate retried durable events;
-- a sign-up handler run again after the recovery's (its node died after the insert, before the task
-- was marked done) inserted the referral again, and the referee's first purchase then paid its
-- referrer. Both writers take the referee's advisory lock, so one running at the same moment as the
-- other sees what the other committed. One row per such referee, never removed (a user id and a time).
create table billing_referral_forgone (
    referee_id   bigint      primary key,
    forgotten_at timestamptz not null
);

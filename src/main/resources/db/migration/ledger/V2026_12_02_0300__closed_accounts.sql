-- A deleted user's credit account is closed once its credits are forfeited: a grant that arrives
-- afterwards (a late payment, a referral reward, an operator's grant) is recorded and forfeited at
-- once, so no credits ever stay on a deleted account.
alter table credit_account add column closed_at timestamptz;

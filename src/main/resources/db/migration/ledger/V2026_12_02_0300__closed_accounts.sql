-- A deleted user's credit account is closed once its credits are forfeited: a grant that arrives
-- afterwards (a late payment, a referral reward, an operator's grant) is recorded and forfeited at
-- once, so no credits ever stay on a deleted account.
alter table credit_account add column closed_at timestamptz;

-- Accounts deleted before this migration were forfeited but not closed: close them now (once their
-- holds are settled, as the forfeit does; one still holding is closed by its pending forfeit). The
-- one read of identity's table from the ledger's migrations, for this one-off back-fill.
update credit_account set closed_at = now()
 where held = 0 and closed_at is null
   and user_id in (select id from app_user where deleted_at is not null);

-- Foreign keys into credit_account and credit_grant make every grant or clawback insert take a
-- KEY SHARE lock on the row that concurrent holds and captures are updating. Under heavy
-- concurrency PostgreSQL 18.1 then failed with "new multixact has more than one updating member"
-- (seen in LedgerConcurrencyTest). The ledger writes accounts before grants in one statement or
-- transaction, and Ledger.checkInvariants() reports any grant, clawback or entry without its
-- parent, so the integrity these keys gave is kept without the locks.
alter table credit_grant drop constraint credit_grant_user_id_fkey;
alter table credit_clawback drop constraint credit_clawback_grant_id_fkey;

-- The minimal SQL a reserve+capture pair needs: per step one conditional UPDATE of the account
-- and one INSERT of its ledger entry, in a transaction. pgbench -D accounts=N picks the account.
\set aid random(1, :accounts)
\set k random(1, 1000000000000)
BEGIN;
UPDATE credit_account SET held = held + 5 WHERE user_id = :aid AND balance - held >= 5 AND debt = 0;
INSERT INTO ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, created_at)
    VALUES (:aid, 'HOLD', 5, 0, 5, 0, 'pgb-' || :client_id || '-' || :k, now());
END;
BEGIN;
UPDATE credit_account SET held = held - 5, balance = balance - 5 WHERE user_id = :aid AND held >= 5;
INSERT INTO ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, created_at)
    VALUES (:aid, 'CAPTURE', 5, -5, -5, 0, 'pgb-' || :client_id || '-' || :k, now());
END;

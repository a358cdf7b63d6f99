-- Fresh ledger tables for one benchmark run: 10,000 accounts, each funded by one grant (so the
-- ledger's invariant check holds after a ledger run). Account 1 is the hot one.
truncate ledger_entry, credit_hold, credit_clawback, debt_waiver, credit_grant, credit_account, ledger_expiry_sweep restart identity;
insert into credit_account (user_id, balance) select u, 1000000000 from generate_series(1, 10000) u;
insert into credit_grant (grant_key, user_id, amount, source, created_at)
    select 'bench-seed-' || u, u, 1000000000, 'ADMIN', now() from generate_series(1, 10000) u;
insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, source, created_at)
    select u, 'GRANT', 1000000000, 1000000000, 0, 0, 'bench-seed-' || u, 'ADMIN', now() from generate_series(1, 10000) u;
analyze credit_account, credit_grant, ledger_entry, credit_hold;
-- Every measurement starts right after a checkpoint, so neither side pays for another's full-page writes.
checkpoint;

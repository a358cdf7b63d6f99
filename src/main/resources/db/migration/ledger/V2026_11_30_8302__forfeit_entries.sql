-- FORFEIT: the credits left on an account its owner deleted go back to nobody; the entry keeps
-- the books balanced (the account's balance equals the sum of its entries).
alter table ledger_entry drop constraint ledger_entry_kind_check;
alter table ledger_entry add constraint ledger_entry_kind_check
    check (kind in ('GRANT', 'HOLD', 'CAPTURE', 'RELEASE', 'EXPIRE', 'CLAWBACK', 'DEBT_WAIVED', 'FORFEIT'));

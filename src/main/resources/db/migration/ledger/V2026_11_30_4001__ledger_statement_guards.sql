-- Guards the ledger's statements enforce on themselves.

-- A hold step (capture, release, expire) outside a caller's transaction is one autocommit
-- statement, so a row count checked in Java afterwards comes after the commit: a hold could be
-- settled while its account never moved. The statement calls this instead, and its failure
-- aborts the whole statement, hold row included.
create function ledger_expect(ok boolean, failure text) returns boolean language plpgsql as $$
begin
    if not ok then
        raise exception 'ledger: %', failure;
    end if;
    return true;
end $$;

-- Every entry records a movement. A zero entry (for example a clawback of a grant that was
-- already clawed back in full) is a bug. Added NOT VALID then validated, so existing history is
-- checked without blocking new entries.
alter table ledger_entry add constraint ledger_entry_amount_positive check (amount > 0) not valid;
alter table ledger_entry validate constraint ledger_entry_amount_positive;

-- DEBT_PAID: credits that came free (a released or expired hold) pay the debt a clawback left while
-- they were held; balance and debt both drop by the entry's amount (FreedCredits).
alter table ledger_entry drop constraint ledger_entry_kind_check;
alter table ledger_entry add constraint ledger_entry_kind_check
    check (kind in ('GRANT', 'HOLD', 'CAPTURE', 'RELEASE', 'EXPIRE', 'CLAWBACK', 'DEBT_WAIVED', 'FORFEIT', 'DEBT_PAID'));

-- Accounts that already owe while holding available credits (a hold released or expired after a
-- clawback, before this release) pay now what those credits cover, as a release does from now on:
-- one DEBT_PAID entry referring to the account's latest hold that came free, attributed to its
-- oldest owing clawbacks as paid. An account with no such hold is left as it is (none is expected).
do $$
declare
    a    record;
    c    record;
    pay  bigint;
    left_to_attribute bigint;
    freed text;
begin
    for a in select user_id, debt, balance - held as available
               from credit_account
              where closed_at is null and debt > 0 and balance > held
              order by user_id
                for no key update
    loop
        select h.hold_key into freed
          from credit_hold h
         where h.user_id = a.user_id and h.state in ('RELEASED', 'EXPIRED')
         order by h.settled_at desc nulls last, h.created_at desc
         limit 1;
        continue when freed is null;
        pay := least(a.debt, a.available);
        update credit_account set balance = balance - pay, debt = debt - pay where user_id = a.user_id;
        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta, ref_key, reason, created_at)
        values (a.user_id, 'DEBT_PAID', pay, -pay, 0, -pay, freed, 'debt paid from credits that came free', now());
        left_to_attribute := pay;
        for c in select cb.id, cb.debt_added - cb.debt_paid - cb.debt_waived as owed
                   from credit_clawback cb
                  where cb.user_id = a.user_id and cb.debt_added > cb.debt_paid + cb.debt_waived
                  order by cb.id
        loop
            exit when left_to_attribute = 0;
            update credit_clawback set debt_paid = debt_paid + least(c.owed, left_to_attribute) where id = c.id;
            left_to_attribute := left_to_attribute - least(c.owed, left_to_attribute);
        end loop;
    end loop;
end $$;

-- Which clawback each credit of debt belongs to, and what became of it. A clawback's debt_added is
-- reduced by grants that pay it (debt_paid) and by operators' waivers (debt_waived), oldest clawback
-- first; a give-back of a clawback (a won dispute, a refund that failed) counts the part an operator
-- had waived as given back already (waiver_restored) and grants only the rest, recorded on the
-- give-back's grant as forgiven (a part of the grant that moves nothing). So a waived debt never
-- comes back as credits. Every one of these is changed only under the account's row lock.
alter table credit_clawback
    add column debt_paid       bigint not null default 0,
    add column debt_waived     bigint not null default 0,
    add column waiver_restored bigint not null default 0;
alter table credit_clawback
    add constraint credit_clawback_debt_attributed
        check (debt_paid >= 0 and debt_waived >= 0 and debt_paid + debt_waived <= debt_added),
    add constraint credit_clawback_restored_bounded
        check (waiver_restored >= 0 and waiver_restored <= debt_waived);

alter table credit_grant add column forgiven bigint not null default 0;
alter table credit_grant
    add constraint credit_grant_forgiven_bounded check (forgiven >= 0 and forgiven + paid_debt <= amount);

-- A user's clawbacks with debt still owed (the next payment or waiver reduces the oldest), and the
-- clawbacks of one grant (what a give-back reverses).
create index credit_clawback_owed_idx on credit_clawback (user_id, id) where debt_added > debt_paid + debt_waived;
create index credit_clawback_grant_idx on credit_clawback (grant_id);

-- The debt paid or waived before this release, attributed as the ledger now does it: the history of
-- entries replayed in order, each payment (a GRANT entry that paid debt) or waiver (DEBT_WAIVED)
-- reducing the oldest clawbacks recorded before it that still owe. A give-back of earlier releases
-- that paid debt is replayed as a payment like any grant (which clawbacks it reversed is not
-- recorded in the ledger).
do $$
declare
    e record;
    c record;
    left_over bigint;
    part bigint;
begin
    for e in select id, user_id, kind, -debt_delta as reduced from ledger_entry
              where kind in ('GRANT', 'DEBT_WAIVED') and debt_delta < 0
              order by id
    loop
        left_over := e.reduced;
        for c in select cb.id, cb.debt_added - cb.debt_paid - cb.debt_waived as owed
                   from credit_clawback cb
                   join ledger_entry ce on ce.ref_key = cb.clawback_key and ce.kind = 'CLAWBACK'
                                       and ce.user_id = cb.user_id
                  where cb.user_id = e.user_id and cb.debt_added > cb.debt_paid + cb.debt_waived and ce.id < e.id
                  order by cb.id
        loop
            exit when left_over = 0;
            part := least(left_over, c.owed);
            if e.kind = 'GRANT' then
                update credit_clawback set debt_paid = debt_paid + part where id = c.id;
            else
                update credit_clawback set debt_waived = debt_waived + part where id = c.id;
            end if;
            left_over := left_over - part;
        end loop;
    end loop;
end $$;

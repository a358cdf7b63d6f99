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
-- reducing the clawbacks recorded before it that still owe, oldest first; except that a give-back
-- pays the debt of the clawbacks it reversed first, as Ledger.giveBack now does (else a dispute won
-- before the release would pay another clawback's debt, a later waiver would be charged to the
-- reversed clawback, and the other's give-back after the release would find nothing waived of its
-- own and credit the forgiven debt). The ledger does not record what a give-back reversed; billing
-- names it in the give-back's grant key, unchanged since give-backs exist:
--   <provider>:dispute-won:<dispute id>  reverses the buyer's clawbacks <provider>:dispute:<dispute id>:<grant key>
--   <provider>:refund:<movement>         reverses the buyer's clawbacks <provider>:refund:...:<grant key>
-- of the grants of the give-back's purchase (billing_purchase_grant), and the referral give-back
-- reward:referral:<referee>:<the same> reverses the referrer's clawbacks of the same names of the
-- referee's reward grants (billing_referral_grant). A refund give-back counts every refund clawback
-- of the purchase as reversed (a refund that fails reverses what refunds took, not one of them),
-- as Clawbacks.giveBack does. Earlier give-backs are not counted as restoring a waiver: before this
-- release a give-back paid debt or credited, it never counted a waiver as given back, so
-- waiver_restored starts at 0 and a waiver forgiven before a past give-back stays in debt_waived.
--
-- Lock: the ALTER TABLEs above hold credit_clawback and credit_grant ACCESS EXCLUSIVE until this
-- migration commits, and that is wanted: the replay must see a history nobody appends to meanwhile
-- (a grant or waiver written by a running old release during the replay would go unattributed). So
-- adding the CHECKs NOT VALID and validating them later would shorten no lock here (the columns are
-- new, all 0, and the check is one pass over credit_clawback next to the replay's cost); they are
-- added before the replay so that every row it updates is checked.
do $$
declare
    e record;
    c record;
    m text[];
    prefix text;
    grant_ids bigint[];
    left_over bigint;
    part bigint;
begin
    for e in select id, user_id, kind, ref_key, -debt_delta as reduced from ledger_entry
              where kind in ('GRANT', 'DEBT_WAIVED') and debt_delta < 0
              order by id
    loop
        -- what the give-back reversed (nothing for an ordinary grant or a waiver)
        prefix := null;
        grant_ids := '{}';
        m := case when e.kind = 'GRANT'
                  then regexp_match(e.ref_key, '^(reward:referral:([0-9]+):)?([^:]+):(dispute-won|refund):(.+)$') end;
        if m is not null then
            prefix := case when m[4] = 'dispute-won' then m[3] || ':dispute:' || m[5] || ':' else m[3] || ':refund:' end;
            if m[1] is null then
                select coalesce(array_agg(g.id), '{}') into grant_ids
                  from billing_purchase_grant pg
                  join credit_grant g on g.grant_key = pg.grant_key
                 where pg.purchase_id = (select purchase_id from billing_purchase_grant where grant_key = e.ref_key)
                   and pg.grant_key <> e.ref_key;
            else
                select coalesce(array_agg(g.id), '{}') into grant_ids
                  from billing_referral_grant rg
                  join credit_grant g on g.grant_key = rg.grant_key
                 where rg.referee_id = m[2]::bigint
                   and rg.grant_key <> e.ref_key;
            end if;
        end if;
        left_over := e.reduced;
        for c in select cb.id, cb.debt_added - cb.debt_paid - cb.debt_waived as owed
                   from credit_clawback cb
                   join ledger_entry ce on ce.ref_key = cb.clawback_key and ce.kind = 'CLAWBACK'
                                       and ce.user_id = cb.user_id
                  where cb.user_id = e.user_id and cb.debt_added > cb.debt_paid + cb.debt_waived and ce.id < e.id
                  order by (prefix is not null and cb.grant_id = any (grant_ids)
                            and left(cb.clawback_key, length(prefix)) = prefix) desc,
                           cb.id
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

-- Debt carried from a deleted account to a new account of the same mailbox: the new account gets a
-- clawback of its own for each clawback of the deleted account that still owed (carried_from names
-- it; same grant, key <that clawback's key>:carried:<new account>, nothing taken, all debt), and the
-- deleted account's debt goes by a waiver recorded by renderbank (DebtCarry). A carried clawback is
-- not a clawback of its grant (the grant's clawed_back counts the one it was carried from), and
-- carried_back is what a give-back of the original (a dispute won) gave back of it, so it is given
-- back once.
-- Added without scanning credit_clawback under its lock (an upgrade's rule, README's migration notes):
-- the column's default is a constant, the foreign key and the check are NOT VALID (every existing row
-- has carried_from null and carried_back 0, which both allow), the index IF NOT EXISTS (it may be
-- built beforehand, CONCURRENTLY).
alter table credit_clawback
    add column carried_from bigint,
    add column carried_back bigint not null default 0;
alter table credit_clawback
    add constraint credit_clawback_carried_from_fkey
        foreign key (carried_from) references credit_clawback (id) not valid;
alter table credit_clawback
    add constraint credit_clawback_carried_back_bounded
        check (carried_back >= 0 and carried_back <= applied and (carried_back = 0 or carried_from is not null))
        not valid;
create index if not exists credit_clawback_carried_idx on credit_clawback (carried_from) where carried_from is not null;

-- An operator forgiving (part of) a user's debt. The key makes the waiver idempotent; the row is
-- the audit record (who, why, how much was asked and how much was actually owed and waived).
create table debt_waiver (
    id          bigserial primary key,
    waiver_key  text        not null unique,
    user_id     bigint      not null,
    requested   bigint      not null check (requested > 0),
    waived      bigint      not null check (waived >= 0 and waived <= requested),
    actor       text        not null,
    reason      text        not null,
    created_at  timestamptz not null
);
create index debt_waiver_user_idx on debt_waiver (user_id);


-- The credit trail of one hold, grant or clawback (operators asking "what happened to job X",
-- and the invariant check matching holds to their entries without scanning all history).
create index ledger_entry_ref_idx on ledger_entry (ref_key);

-- Holds are written twice on the hottest path (reserve, then capture or release), so they carry
-- no more than they need: the key is the identity (its unique index becomes the primary key, the
-- surrogate id goes), and there is no foreign key to credit_account because a hold is only ever
-- inserted from the account row the same statement has just read or locked (the invariant check
-- reports a hold without account). Per-user listing of open holds goes through the expiry index,
-- which holds only open holds.
alter table credit_hold drop constraint credit_hold_user_id_fkey;
drop index credit_hold_user_idx;
alter table credit_hold drop constraint credit_hold_pkey;
alter table credit_hold drop column id;
alter table credit_hold drop constraint credit_hold_hold_key_key, add constraint credit_hold_pkey primary key (hold_key);

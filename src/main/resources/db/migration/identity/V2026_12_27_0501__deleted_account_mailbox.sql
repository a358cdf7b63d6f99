-- Which mailbox a deleted account had, as a keyed digest only (hex HMAC-SHA256 of the mailbox,
-- EmailKeys.mailbox, under renderbank.accounts.address-hash-secret, labelled for debts, so it equals
-- no bonus claim's, throttle's or daily reward's key), never the address: a new account of the same
-- mailbox starts owing what the deleted account owed (its debt stays in the ledger, on the deleted
-- account, until then). succeeded_by: the latest account of the mailbox created after the deletion,
-- which a debt the deleted account gets later (a refund or dispute of its purchase) is carried to.
-- Kept renderbank.retention.deleted-account-debts after the deletion.
create table deleted_account_mailbox (
    user_id      bigint      primary key references app_user (id),
    mailbox_key  text        not null check (mailbox_key ~ '^[0-9a-f]{64}$'),
    deleted_at   timestamptz not null,
    succeeded_by bigint      references app_user (id)
);
create index deleted_account_mailbox_key_idx on deleted_account_mailbox (mailbox_key);
create index deleted_account_mailbox_deleted_idx on deleted_account_mailbox (deleted_at);

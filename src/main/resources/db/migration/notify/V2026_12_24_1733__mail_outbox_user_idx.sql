-- Account deletion erases the recipient and bodies of the user's emails by user_id
-- (Outbox.eraseRecipient): without an index each deletion scanned the whole mail_outbox table.
-- Operator emails have no user and no entry; no update changes user_id.
create index if not exists mail_outbox_user_idx on mail_outbox (user_id) where user_id is not null;

-- The daily rewards (check-in, share) are once per mailbox, as the sign-up bonus is: each row of a
-- reward given now names the mailbox it was given to, as a keyed digest (hex HMAC-SHA256 of the
-- mailbox, EmailKeys.mailbox, under renderbank.accounts.address-hash-secret, labelled for the daily
-- rewards), never the address, so it may stay after the account is deleted. Before, two accounts of
-- one inbox (a.b@gmail.com and ab@googlemail.com) each collected both rewards every day.
-- Null: a row written before this release (or by a node of the previous release during the upgrade):
-- it counts for its own account only, as before, since the digest needs the secret and a deleted
-- account's address is gone.
-- A nullable column without a default and a constraint NOT VALID (every existing row is null, which
-- it allows): no scan of the table under its exclusive lock, only a change of the catalogue.
alter table billing_checkin
    add column mailbox_key text,
    add constraint billing_checkin_mailbox_key_digest check (mailbox_key ~ '^[0-9a-f]{64}$') not valid;

-- One reward of a kind per mailbox and calendar day (RewardDayStore serializes a mailbox's claims and
-- checks the wider rule; this is the backstop), and the index its claims read. A plain build blocks
-- writes to billing_checkin while it runs: on a big table create it beforehand with CREATE UNIQUE
-- INDEX CONCURRENTLY under this name (README's migration notes), and this builds nothing.
create unique index if not exists billing_checkin_mailbox_day_idx on billing_checkin (mailbox_key, kind, day)
    where mailbox_key is not null;

-- An account's address is found and kept unique by its canonical form (EmailKeys in the application:
-- NFC, each character case-folded), computed in Java and stored here, no longer by lower(email):
-- PostgreSQL's lower() follows the cluster's locale (a C cluster folds ASCII only, so 'Ä' and 'ä'
-- were two accounts; a UTF-8 one folds 'İ' to 'i' where the sign-in throttle, keyed in Java, did
-- not, so another spelling of an address was a fresh throttle for the same account).
-- Existing rows get lower(email) under the C collation here (ASCII folded, the same in every
-- cluster; for an ASCII address it is the canonical form already); the application re-keys the
-- addresses outside ASCII at start (EmailKeyRepair).
alter table app_user add column email_key text;
update app_user set email_key = lower(email collate "C");
alter table app_user alter column email_key set not null;
create unique index app_user_email_key_idx on app_user (email_key);
drop index app_user_email_idx;

-- A node of the previous release (during a rolling upgrade) inserts, or erases a deleted account's
-- address, without the key: the row gets the ASCII-folded one, re-keyed at the next start like the
-- rows above (and never keeps the key of an address it no longer has).
create function app_user_email_key_default() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' and new.email_key is null
       or tg_op = 'UPDATE' and new.email is distinct from old.email and new.email_key = old.email_key then
        new.email_key := lower(new.email collate "C");
    end if;
    return new;
end $$;
create trigger app_user_email_key_default before insert or update of email on app_user
    for each row execute function app_user_email_key_default();

comment on column app_user.email_key is
    'canonical form of email (EmailKeys.of: NFC, simple case folding), unique; email keeps the address as typed';

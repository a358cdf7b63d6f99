-- Which version of the canonical form (EmailKeys.VERSION) computed app_user.email_key: 0 is "not
-- known to be canonical" (computed in SQL by the trigger below, or written by a node that does not
-- know this column). EmailKeyRepair re-keys only the rows below the running version, found by the
-- index, instead of reading every address outside ASCII at every start.
--
-- Existing rows: added with 1 (no table rewrite), then the default for later inserts becomes 0.
alter table app_user add column email_key_version smallint not null default 1;
alter table app_user alter column email_key_version set default 0;
-- An ASCII address with no space or control character at either end is canonical when its key is
-- lower(email) in the C collation (what the migration and the trigger wrote); every other row is
-- re-keyed once by the next start (already canonical ones are only marked).
update app_user set email_key_version = 0
 where not (octet_length(email) = char_length(email)
            and email_key = lower(email collate "C")
            and email !~ '^[[:cntrl:] ]' and email !~ '[[:cntrl:] ]$');
create index app_user_email_key_version_idx on app_user (email_key_version);

-- The key the trigger computes is ASCII-folded only: mark it for the repair.
create or replace function app_user_email_key_default() returns trigger language plpgsql as $$
begin
    if tg_op = 'INSERT' and new.email_key is null
       or tg_op = 'UPDATE' and new.email is distinct from old.email and new.email_key = old.email_key then
        new.email_key := lower(new.email collate "C");
        new.email_key_version := 0;
    end if;
    return new;
end $$;

comment on column app_user.email_key_version is
    'EmailKeys.VERSION that computed email_key; 0: computed in SQL (ASCII only) or unknown, re-keyed at the next start';

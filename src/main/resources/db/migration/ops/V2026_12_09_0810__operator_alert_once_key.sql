-- An alert that must be raised once for a subject (e.g. one per job), however many answers or
-- nodes repeat its cause: raised with a key, the second insert with the same key does nothing.
alter table operator_alert add column once_key text;
create unique index operator_alert_once_key_idx on operator_alert (once_key) where once_key is not null;

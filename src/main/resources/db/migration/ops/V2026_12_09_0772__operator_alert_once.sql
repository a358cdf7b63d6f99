-- An alert about one lasting condition (e.g. accounts.same-address for one pair of accounts) is
-- recorded, logged at WARN and emailed once: OperatorAlerts.raiseOnce inserts it under a stable key
-- and does nothing when that key is recorded already (also when several nodes raise it at once).
alter table operator_alert add column once_key text;
create unique index operator_alert_once_key_idx on operator_alert (once_key);

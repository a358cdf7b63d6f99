-- An endpoint whose deliveries keep failing is disabled after renderbank.webhooks.disable-after:
-- failing_since is the first failure since the last delivery that got through (null: healthy);
-- disabled_at is set once, by the failure that crosses the limit, which also emails the owner.
alter table webhook_endpoint add column failing_since timestamptz;
alter table webhook_endpoint add column disabled_at timestamptz;

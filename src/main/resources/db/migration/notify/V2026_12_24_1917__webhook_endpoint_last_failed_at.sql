-- The last failed attempt of an endpoint's failing spell. A failure that comes more than
-- renderbank.webhooks.retry-window after the previous one starts the spell afresh: nothing was tried
-- in between, so one old failure and one blip days later are not "failing for days". Null (every row
-- from before this column) starts the spell at the next failure.
alter table webhook_endpoint add column last_failed_at timestamptz;

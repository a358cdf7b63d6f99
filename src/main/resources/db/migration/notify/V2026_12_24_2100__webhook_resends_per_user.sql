-- How many deliveries a user resent in the current window (renderbank.webhooks.max-resends-per-user per
-- renderbank.webhooks.resend-count-window): one row per user who resent, counted by one conditional
-- upsert, so resends at once on several nodes cannot pass the cap together.
create table webhook_resend_count (
    user_id      bigint      primary key,
    window_start timestamptz not null,
    resends      int         not null check (resends >= 0)
);

-- The hourly webhook sweep deletes the deliveries done with (DELIVERED or FAILED) created longer than
-- renderbank.webhooks.delivery-retention ago, their attempts with them (on delete cascade). No
-- delivery was deleted before, so webhook_delivery can be big and a plain build blocks its writes (no
-- delivery queued or marked sent) while it runs: create it beforehand with CREATE INDEX CONCURRENTLY
-- under this name (README's migration notes), and this builds nothing.
create index if not exists webhook_delivery_done_created_idx on webhook_delivery (created_at)
    where status <> 'PENDING';

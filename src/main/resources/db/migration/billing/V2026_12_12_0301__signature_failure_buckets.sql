-- Refused payment-webhook signatures counted per provider and one-minute bucket instead of one row
-- per refused request: an unauthenticated flood of badly-signed POSTs now increments a counter
-- (at most one row per provider and minute) instead of writing a row per request. The alert
-- window sums the buckets it covers; buckets older than the window are deleted when a new one
-- starts. The per-request rows are a short-lived alert window only, so they are not carried over.
drop table webhook_signature_failure;

create table webhook_signature_failure (
    provider     text        not null,
    bucket_start timestamptz not null,
    failures     bigint      not null check (failures > 0),
    primary key (provider, bucket_start)
);

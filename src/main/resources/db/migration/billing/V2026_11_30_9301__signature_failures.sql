-- Refused payment-webhook signatures, shared by every node: a load balancer spreads a burst of
-- forged or wrongly-signed webhooks over the nodes, and only the sum says "the secret is wrong".
-- Rows older than the alert window are deleted as new ones arrive.
create table webhook_signature_failure (
    id         bigint      generated always as identity primary key,
    provider   text        not null,
    refused_at timestamptz not null
);
create index webhook_signature_failure_provider_idx on webhook_signature_failure (provider, refused_at);

-- When operators were last alerted per provider: at most one alert per window, whichever node saw
-- the failure that crossed the threshold (a conditional upsert decides).
create table webhook_signature_alert (
    provider   text        primary key,
    alerted_at timestamptz not null
);

-- Client webhooks (Standard Webhooks). An endpoint belongs to one user; its signing secret must be
-- readable to sign each delivery, so it is stored (never shown again after creation, never logged).
create table webhook_endpoint (
    id         text        primary key,
    user_id    bigint      not null,
    url        text        not null,
    events     text[]      not null check (cardinality(events) > 0),
    secret     text        not null,
    created_at timestamptz not null
);
create index webhook_endpoint_user_idx on webhook_endpoint (user_id);

-- One row per (business event, endpoint): a durable event handler that runs twice inserts nothing
-- new. The body is fixed when the row is written, so every attempt (and a resend) carries the same
-- webhook-id and the same bytes; only webhook-timestamp and the signature change per attempt.
create table webhook_delivery (
    id              text        primary key,
    endpoint_id     text        not null references webhook_endpoint (id) on delete cascade,
    user_id         bigint      not null,
    event_key       text        not null,
    event_type      text        not null,
    body            text        not null,
    status          text        not null check (status in ('PENDING', 'DELIVERED', 'FAILED')),
    attempts        int         not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz not null,
    -- retries stop (FAILED) once the next attempt would fall after this; a resend restarts it
    give_up_at      timestamptz not null,
    last_status     int,
    last_error      text,
    created_at      timestamptz not null,
    delivered_at    timestamptz,
    unique (event_key, endpoint_id)
);
create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'PENDING';
create index webhook_delivery_endpoint_idx on webhook_delivery (endpoint_id, created_at desc);

-- Every attempt, for the owner's delivery log; the response body only as a short excerpt.
create table webhook_attempt (
    delivery_id text        not null references webhook_delivery (id) on delete cascade,
    attempt     int         not null,
    started_at  timestamptz not null,
    status_code int,
    error       text,
    excerpt     text,
    primary key (delivery_id, attempt)
);

-- credits.low fires once per crossing: "below" is set by the check that fires and cleared by the
-- first check that sees the user at or above the threshold again; "crossings" numbers the events.
create table credits_low_state (
    user_id    bigint      primary key,
    below      boolean     not null,
    crossings  int         not null default 0,
    updated_at timestamptz not null
);

alter table notification_setting alter column generation_emails set default true;
alter table notification_setting
    add column credits_low_threshold bigint not null default 20 check (credits_low_threshold >= 0);

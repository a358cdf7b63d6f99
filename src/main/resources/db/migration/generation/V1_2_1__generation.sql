-- Generation jobs. The job row, its credit hold and its "submit" task are written in one
-- transaction; every state change below is a compare-and-set on `state`.
create table generation_job (
    id               text        primary key,
    user_id          bigint      not null,
    type             text        not null check (type in ('IMAGE', 'VIDEO')),
    model            text        not null,
    prompt           text        not null,
    options          text        not null,
    provider_model   text        not null,
    provider_input   text        not null,
    price            bigint      not null check (price > 0),
    state            text        not null check (state in ('RESERVED', 'SUBMITTED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'UNKNOWN')),
    provider_task_id text unique,
    callback_token   text        not null,
    progress         int         not null default 0 check (progress between 0 and 100),
    error_code       text,
    error_message    text,
    credits_charged  bigint      not null default 0,
    asset_id         text,
    late_delivery    boolean     not null default false,
    -- set in its own committed step before the provider is called: a crash mid-call then leaves
    -- evidence, and the job becomes UNKNOWN instead of being submitted (and paid for) twice
    submit_started_at timestamptz,
    attempts         int         not null default 0,
    version          bigint      not null default 1,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    submitted_at     timestamptz,
    completed_at     timestamptz,
    deadline_at      timestamptz not null
);
create index generation_job_user_idx on generation_job (user_id, created_at desc, id desc);
create index generation_job_live_idx on generation_job (deadline_at)
    where state in ('RESERVED', 'SUBMITTED', 'RUNNING', 'UNKNOWN');
create index generation_job_inflight_idx on generation_job (user_id, type)
    where state in ('RESERVED', 'SUBMITTED', 'RUNNING', 'UNKNOWN');

-- One row per user and asset type: the lock that makes cooldown, cap and hold atomic.
create table generation_limit (
    user_id        bigint      not null,
    type           text        not null,
    cooldown_until timestamptz,
    primary key (user_id, type)
);

-- Idempotency-Key: scoped to user and endpoint, kept 24 h; only accepted requests are stored.
create table idempotency_record (
    user_id      bigint      not null,
    endpoint     text        not null,
    idem_key     text        not null,
    request_hash text        not null,
    job_id       text        not null,
    created_at   timestamptz not null,
    primary key (user_id, endpoint, idem_key)
);
create index idempotency_record_created_idx on idempotency_record (created_at);

create table generation_asset (
    id           text        primary key,
    job_id       text        not null references generation_job (id),
    user_id      bigint      not null,
    storage_key  text        not null,
    content_type text        not null,
    size_bytes   bigint      not null,
    sha256       text        not null,
    source_url   text,
    created_at   timestamptz not null
);
create index generation_asset_job_idx on generation_asset (job_id);

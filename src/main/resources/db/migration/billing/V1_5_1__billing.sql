-- Payments in: every verified webhook is kept (raw) before anything else happens, so a purchase
-- can never be lost to a crash or a bug; processing records its outcome on the same row.
create table payment_event (
    id              bigserial primary key,
    provider        text        not null check (provider in ('creem', 'stripe')),
    event_id        text        not null,
    event_type      text        not null,
    payload         text        not null,
    status          text        not null check (status in ('RECEIVED', 'PROCESSED', 'IGNORED', 'FAILED')),
    attempts        int         not null default 0,
    last_error      text,
    next_attempt_at timestamptz,
    received_at     timestamptz not null,
    processed_at    timestamptz,
    constraint payment_event_unique unique (provider, event_id)
);
create index payment_event_due_idx on payment_event (next_attempt_at) where status in ('RECEIVED', 'FAILED');
create index payment_event_status_idx on payment_event (status, id desc);

-- A checkout we started; its id is the provider's request_id / our metadata, and the
-- Idempotency-Key (user-scoped, 24 h) makes a repeated POST return the same URL.
create table billing_checkout (
    id               text primary key,
    user_id          bigint      not null,
    product          text        not null,
    provider         text        not null,
    idempotency_key  text,
    url              text,
    provider_ref     text,
    status           text        not null check (status in ('PENDING', 'OPEN', 'COMPLETED')),
    created_at       timestamptz not null
);
create unique index billing_checkout_idem_idx on billing_checkout (user_id, idempotency_key)
    where idempotency_key is not null;

-- One row per paid charge (a pack order or one paid subscription period). Refunds and disputes
-- are computed from it: entitlement = credits - floor(credits * refunded / amount), 0 while disputed.
create table billing_purchase (
    id             bigserial primary key,
    purchase_key   text        not null unique,
    provider       text        not null,
    user_id        bigint      not null,
    product        text        not null,
    credits        bigint      not null check (credits > 0),
    amount_minor   bigint      not null check (amount_minor >= 0),
    currency       text        not null,
    granted        bigint      not null default 0 check (granted >= 0),
    clawed         bigint      not null default 0 check (clawed >= 0),
    refunded_minor bigint      not null default 0 check (refunded_minor >= 0),
    disputed       boolean     not null default false,
    created_at     timestamptz not null
);
create index billing_purchase_user_idx on billing_purchase (user_id);

-- Provider ids that name a purchase (order, transaction, checkout, payment intent, invoice, charge).
create table billing_purchase_ref (
    provider    text   not null,
    ref         text   not null,
    purchase_id bigint not null references billing_purchase (id),
    primary key (provider, ref)
);

-- Ledger grants made for a purchase (pack grant, monthly grants, dispute-won re-grants).
create table billing_purchase_grant (
    grant_key   text primary key,
    purchase_id bigint      not null references billing_purchase (id),
    amount      bigint      not null check (amount > 0),
    created_at  timestamptz not null
);
create index billing_purchase_grant_purchase_idx on billing_purchase_grant (purchase_id);

create table billing_refund (
    provider    text        not null,
    refund_id   text        not null,
    purchase_id bigint      not null references billing_purchase (id),
    cumulative  bigint      not null,
    created_at  timestamptz not null,
    primary key (provider, refund_id)
);

create table billing_dispute (
    provider    text        not null,
    dispute_id  text        not null,
    purchase_id bigint references billing_purchase (id),
    status      text        not null check (status in ('OPEN', 'WON', 'LOST')),
    clawed      bigint      not null default 0,
    created_at  timestamptz not null,
    primary key (provider, dispute_id)
);

create table billing_subscription (
    provider        text        not null,
    subscription_id text        not null,
    user_id         bigint      not null,
    product         text        not null,
    status          text        not null,
    period_end      timestamptz,
    ends_at         timestamptz,
    status_at       timestamptz not null,
    created_at      timestamptz not null,
    primary key (provider, subscription_id)
);
create index billing_subscription_user_idx on billing_subscription (user_id);

-- A paid period; yearly periods grant one month at each month's start (months_granted counts).
create table billing_subscription_period (
    purchase_id     bigint primary key references billing_purchase (id),
    provider        text        not null,
    subscription_id text        not null,
    period_start    timestamptz not null,
    period_end      timestamptz not null,
    monthly_credits bigint      not null check (monthly_credits > 0),
    months          int         not null check (months between 1 and 12),
    months_granted  int         not null default 0,
    next_grant_at   timestamptz,
    unique (provider, subscription_id, period_start)
);
create index billing_period_due_idx on billing_subscription_period (next_grant_at) where next_grant_at is not null;

create table billing_referral (
    referee_id  bigint primary key,
    referrer_id bigint      not null,
    created_at  timestamptz not null,
    rewarded_at timestamptz,
    check (referee_id <> referrer_id)
);

create table billing_checkin (
    user_id  bigint not null,
    day      date   not null,
    streak   int    not null check (streak > 0),
    primary key (user_id, day)
);

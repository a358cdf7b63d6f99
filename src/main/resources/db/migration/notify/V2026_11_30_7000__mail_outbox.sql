-- Transactional email outbox: one row per (cause, recipient, channel), written by a durable event
-- handler after the business commit and delivered by the sender task. The body is rendered when the
-- row is written, so what an admin reads is exactly what is (or would be) sent.
create table mail_outbox (
    id              bigserial primary key,
    message_key     text        not null unique,
    template        text        not null,
    recipient       text        not null,
    user_id         bigint,
    subject         text        not null,
    body_text       text        not null,
    body_html       text        not null,
    -- HELD: written while no SMTP server is configured; stays in the outbox, never sent.
    status          text        not null check (status in ('PENDING', 'SENT', 'FAILED', 'HELD')),
    attempts        int         not null default 0 check (attempts >= 0),
    next_attempt_at timestamptz not null,
    last_error      text,
    created_at      timestamptz not null,
    sent_at         timestamptz
);
create index mail_outbox_due_idx on mail_outbox (next_attempt_at) where status = 'PENDING';

-- Per-user choices; no row means the defaults (generation emails on).
create table notification_setting (
    user_id           bigint primary key,
    generation_emails boolean     not null,
    updated_at        timestamptz not null
);

-- Operator alerts are forwarded to renderbank.ops.email by marking sent_at (platform's
-- OperatorAlerts.claimUnsent); this keeps that poll cheap as the alert table grows.
create index operator_alert_unsent_idx on operator_alert (id) where sent_at is null;

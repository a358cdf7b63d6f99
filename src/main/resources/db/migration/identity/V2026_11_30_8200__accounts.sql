-- The one-time password printed by `users create-admin` must be replaced at the first sign-in.
alter table app_user add column must_change_password boolean not null default false;

-- One-time links sent by email (address verification, password reset). Only the SHA-256 of the
-- random token is kept; a link is single use (used_at) and expires.
create table email_token (
    id          bigserial primary key,
    user_id     bigint      not null references app_user (id),
    purpose     text        not null check (purpose in ('VERIFY', 'RESET')),
    token_hash  bytea       not null unique,
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    used_at     timestamptz
);
create index email_token_user_idx on email_token (user_id, purpose);

-- Failed sign-ins per client address in a fixed window; too many lock the address for a while.
create table login_throttle_client (
    client        text        primary key,
    window_start  timestamptz not null,
    failures      int         not null check (failures >= 0),
    locked_until  timestamptz
);

-- Failed sign-ins per (lower-case) email, whether or not such an account exists, so the answer
-- never tells which addresses have accounts. A growing, capped wait after the first few.
create table login_throttle_account (
    email            text        primary key,
    failures         int         not null check (failures >= 0),
    blocked_until    timestamptz,
    last_failure_at  timestamptz not null
);

-- Requests per bucket (e.g. "signup:client:10.0.0.1") in a fixed window: sign-up, resend, forgot.
create table request_limit (
    bucket        text        primary key,
    window_start  timestamptz not null,
    hits          int         not null check (hits >= 0)
);

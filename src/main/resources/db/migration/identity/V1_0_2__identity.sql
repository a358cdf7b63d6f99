create table app_user (
    id             bigserial primary key,
    email          text        not null,
    password_hash  text        not null,
    display_name   text,
    role           text        not null check (role in ('USER', 'ADMIN')),
    email_verified boolean     not null default false,
    time_zone      text        not null default 'UTC',
    enabled        boolean     not null default true,
    created_at     timestamptz not null default now()
);
create unique index app_user_email_idx on app_user (lower(email));

-- API tokens are random 256-bit strings; only their SHA-256 is stored. A lookup by hash keeps
-- every API request cheap (no slow password hash per call) while a leaked table reveals nothing.
create table api_token (
    id           bigserial primary key,
    user_id      bigint      not null references app_user (id),
    token_hash   bytea       not null unique,
    name         text        not null,
    created_at   timestamptz not null default now(),
    revoked_at   timestamptz
);
create index api_token_user_idx on api_token (user_id);

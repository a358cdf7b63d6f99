-- The built-in KIE simulator's tasks. A task's state is derived from the time elapsed since
-- created_at against duration_ms, so tasks finish (and their callbacks go out) after a restart.
create table sim_task (
    task_id           text        primary key,
    model             text        not null,
    kind              text        not null check (kind in ('IMAGE', 'VIDEO')),
    input             text        not null,
    callback_url      text,
    created_at        timestamptz not null,
    duration_ms       bigint      not null check (duration_ms >= 0),
    fails             boolean     not null,
    callback_state    text        not null check (callback_state in ('NONE', 'PENDING', 'DELIVERED', 'GAVE_UP')),
    callback_attempts int         not null default 0,
    callback_next_at  timestamptz
);
create index sim_task_callback_due_idx on sim_task (callback_next_at) where callback_state = 'PENDING';

-- The simulated provider account's credits; each created task costs some.
create table sim_account (
    id      smallint primary key check (id = 1),
    balance bigint   not null
);

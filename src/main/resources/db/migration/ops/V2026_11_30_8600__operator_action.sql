-- Every operator action (grant, waive debt, suspend, fail a job, a switch, ...) is one row written in
-- the transaction of the action itself, so the audit trail and the change cannot disagree. The key
-- makes a repeated submission (double click, retried command) a repeat of the first action.
create table operator_action (
    id              bigserial   primary key,
    actor           text        not null,
    action          text        not null,
    target          text        not null,
    reason          text,
    -- credits moved by the action (grants): the per-operator daily cap sums this
    amount          bigint,
    before_state    jsonb,
    after_state     jsonb,
    idempotency_key text        not null,
    created_at      timestamptz not null,
    unique (action, idempotency_key)
);
create index operator_action_created_idx on operator_action (id desc);
create index operator_action_actor_idx on operator_action (actor, action, created_at);
create index operator_action_target_idx on operator_action (target, id desc);

-- Reconciliation: each run (scheduled or on demand) and what it found, with the evidence. Findings
-- are never "fixed" by the run; a repair is an operator action (audited) that marks its finding.
create table reconciliation_run (
    id          bigserial   primary key,
    trigger     text        not null check (trigger in ('SCHEDULED', 'ON_DEMAND', 'COMMAND')),
    actor       text,
    window_from timestamptz not null,
    started_at  timestamptz not null,
    finished_at timestamptz,
    findings    int         not null default 0,
    -- checks that could not run (a payment provider not configured or not answering)
    skipped     jsonb       not null default '[]'
);
create index reconciliation_run_finished_idx on reconciliation_run (id desc) where finished_at is not null;

create table reconciliation_finding (
    id          bigserial   primary key,
    run_id      bigint      not null references reconciliation_run (id),
    kind        text        not null,
    subject     text        not null,
    evidence    jsonb       not null,
    repairable  boolean     not null default false,
    repaired_at timestamptz,
    repaired_by bigint,
    created_at  timestamptz not null
);
create index reconciliation_finding_run_idx on reconciliation_finding (run_id, id);

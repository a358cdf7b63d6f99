-- An operator's acknowledgement of a finding that no repair can clear (a double capture given back by
-- a grant, an asset lost for good): the finding's kind and subject with the evidence it acknowledged,
-- and its audit record. A later run's finding of the same kind and subject with the same evidence is
-- stored acknowledged (not counted in the alert, the command's exit code or the gauge); one whose
-- evidence differs (a second capture of the same job) is a new difference and counts again. One row
-- per kind, subject and evidence: the ledger's invariant findings share one subject.
create table reconciliation_acknowledgement (
    id              bigserial   primary key,
    kind            text        not null,
    subject         text        not null,
    evidence        jsonb       not null,
    action_id       bigint      not null,
    acknowledged_at timestamptz not null
);
create unique index reconciliation_acknowledgement_finding_idx
    on reconciliation_acknowledgement (kind, subject, md5(evidence::text));
alter table reconciliation_finding
    add column acknowledged_at timestamptz,
    add column acknowledged_by bigint;

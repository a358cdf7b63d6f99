-- Capture and release update a hold row in place (a HOT update: new row version on the same page,
-- no index entry written) instead of writing a new row version plus an entry in every index.
-- PostgreSQL allows that only when no indexed column changes, index predicates included, and when
-- the page has room. The expiry index was partial on state = 'OPEN', so every settlement was a
-- full update. Now the hold table has two indexes on columns a settlement never changes: its key
-- and its insertion order (seq), and pages keep a fifth free for the second version.
--
-- The sweep and the operators' summary find open holds by insertion order above a low-water mark
-- (ledger_expiry_sweep, one row written once per sweep, never by holds): every hold below it is
-- settled. Insertion order, unlike deadlines and clocks, only grows. A reserve whose transaction stayed
-- open past the mark's margin could commit below it, so at least once an hour (full_scan_at) the sweep
-- scans every hold regardless of the mark. See
-- dev.renderbank.ledger.internal.OpenHolds.
drop index credit_hold_open_expiry_idx;
alter table credit_hold add column seq bigint generated always as identity;
create index credit_hold_seq_idx on credit_hold (seq);
alter table credit_hold set (fillfactor = 80);

create table ledger_expiry_sweep (
    id       smallint    primary key check (id = 1),
    low_seq  bigint      not null,
    swept_at timestamptz not null,
    full_scan_at timestamptz not null
);

-- Provider availability, one row that every node reads: while it is not AVAILABLE new generation
-- requests are refused fast and nothing is submitted. Changed only by conditional updates, so a
-- trip or a clear is one transition (and one operator alert) however many nodes see it at once.
create table provider_status (
    id         smallint    primary key check (id = 1),
    state      text        not null check (state in ('AVAILABLE', 'EXHAUSTED', 'UNAUTHORIZED')),
    since      timestamptz not null,
    detail     text
);
insert into provider_status (id, state, since) values (1, 'AVAILABLE', now());

-- The last balance read from the provider, and whether it was below the low threshold: the
-- low-balance alert fires once per crossing, across nodes and restarts.
create table provider_balance (
    id         smallint    primary key check (id = 1),
    credits    bigint,
    low        boolean     not null default false,
    checked_at timestamptz
);
insert into provider_balance (id) values (1);

-- Operators' switches: pause all new generations ('generation'), one model ('model:<id>') or sales
-- ('sales'). Read by every node with a cache of about a second; written only by ops, with an audit
-- record in the same transaction. A missing row means "on".
create table operation_switch (
    name                text        primary key,
    paused              boolean     not null,
    message             text,
    retry_after_seconds int         check (retry_after_seconds > 0),
    updated_by          text        not null,
    updated_at          timestamptz not null
);

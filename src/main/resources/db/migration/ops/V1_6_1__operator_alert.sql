create table operator_alert (
    id         bigserial primary key,
    kind       text        not null,
    message    text        not null,
    created_at timestamptz not null,
    sent_at    timestamptz
);
create index operator_alert_kind_idx on operator_alert (kind, id desc);

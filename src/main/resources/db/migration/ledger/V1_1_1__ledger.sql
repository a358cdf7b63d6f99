-- The credit ledger. Every balance change is a conditional UPDATE on credit_account plus an
-- immutable ledger_entry row in the same transaction; balances can be rebuilt from entries.

create table credit_account (
    user_id    bigint primary key,
    balance    bigint      not null default 0,
    held       bigint      not null default 0,
    debt       bigint      not null default 0,
    created_at timestamptz not null default now(),
    -- available = balance - held can never be negative, whatever the concurrency
    constraint credit_account_balance_nonneg check (balance >= 0),
    constraint credit_account_held_nonneg check (held >= 0),
    constraint credit_account_debt_nonneg check (debt >= 0),
    constraint credit_account_available_nonneg check (held <= balance)
);

create table credit_hold (
    id         bigserial primary key,
    hold_key   text        not null unique,
    user_id    bigint      not null references credit_account (user_id),
    amount     bigint      not null check (amount > 0),
    state      text        not null check (state in ('OPEN', 'CAPTURED', 'RELEASED', 'EXPIRED')),
    reason     text,
    expires_at timestamptz not null,
    created_at timestamptz not null,
    settled_at timestamptz
);
create index credit_hold_open_expiry_idx on credit_hold (expires_at) where state = 'OPEN';
create index credit_hold_user_idx on credit_hold (user_id) where state = 'OPEN';

create table credit_grant (
    id          bigserial primary key,
    grant_key   text        not null unique,
    user_id     bigint      not null references credit_account (user_id),
    amount      bigint      not null check (amount > 0),
    source      text        not null check (source in ('PURCHASE', 'SUBSCRIPTION', 'SIGNUP', 'REWARD', 'ADMIN', 'COMPENSATION')),
    reference   text,
    reason      text,
    actor       text,
    paid_debt   bigint      not null default 0 check (paid_debt >= 0),
    clawed_back bigint      not null default 0 check (clawed_back >= 0),
    created_at  timestamptz not null,
    constraint credit_grant_clawback_bounded check (clawed_back <= amount)
);
create index credit_grant_user_idx on credit_grant (user_id);

create table credit_clawback (
    id            bigserial primary key,
    clawback_key  text        not null unique,
    grant_id      bigint      not null references credit_grant (id),
    user_id       bigint      not null,
    requested     bigint      not null check (requested > 0),
    applied       bigint      not null check (applied >= 0),
    taken         bigint      not null check (taken >= 0),
    debt_added    bigint      not null check (debt_added >= 0),
    reason        text,
    created_at    timestamptz not null
);

create table ledger_entry (
    id            bigserial primary key,
    user_id       bigint      not null,
    kind          text        not null check (kind in ('GRANT', 'HOLD', 'CAPTURE', 'RELEASE', 'EXPIRE', 'CLAWBACK', 'DEBT_WAIVED')),
    amount        bigint      not null,
    balance_delta bigint      not null,
    held_delta    bigint      not null,
    debt_delta    bigint      not null,
    ref_key       text        not null,
    source        text,
    reason        text,
    created_at    timestamptz not null
);
create index ledger_entry_user_idx on ledger_entry (user_id, id desc);

-- Entries are immutable: history is appended, never rewritten.
create function ledger_entry_immutable() returns trigger language plpgsql as $$
begin
    raise exception 'ledger_entry is append-only';
end $$;
create trigger ledger_entry_no_update before update or delete on ledger_entry
    for each row execute function ledger_entry_immutable();

-- A deleted account keeps its row (ledger and payment records point at the id) with the personal
-- data removed; deleted_at says so, and such a row can never log in again.
alter table app_user add column deleted_at timestamptz;

-- The sign-up bonus is paid once per address, ever: the claim is stored as a keyed hash (HMAC with a
-- server secret) of the lower-cased address, so it survives the account's deletion without keeping
-- the address itself, and cannot be reversed by hashing a list of known addresses without the key.
create table signup_bonus_claim (
    address_hash bytea       primary key,
    user_id      bigint      not null,
    claimed_at   timestamptz not null
);

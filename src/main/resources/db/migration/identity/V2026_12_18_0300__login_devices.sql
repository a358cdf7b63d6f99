-- Browsers that signed in to an account before: a cookie holds a random token, only its SHA-256 is
-- stored here. The account's wait after failed sign-ins does not apply to such a browser, so someone
-- who fails on purpose every time the wait ends cannot keep the owner out; each browser has a few
-- failures of its own (failures), then waits like any other. Rows unused for 180 days are swept.
create table login_device (
    token_hash   text        primary key,
    account      text        not null, -- the account's throttle key (a digest of the name, never the address)
    failures     int         not null default 0 check (failures >= 0),
    last_used_at timestamptz not null
);
create index login_device_account_idx on login_device (account);
create index login_device_last_used_idx on login_device (last_used_at);

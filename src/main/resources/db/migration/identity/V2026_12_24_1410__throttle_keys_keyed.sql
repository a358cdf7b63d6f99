-- The sign-in throttle (login_throttle_account.email), the known browsers (login_device.account) and
-- the request limits' per-address counts (request_limit buckets '<action>:address:<key>') were keyed
-- by the plain hex SHA-256 of the address's canonical form. Such rows outlive an account's deletion
-- (up to renderbank.retention.throttles, 7 days; a known browser 180 days), and anyone with the table
-- and a list of addresses could tell whose they were. From now on the key is an HMAC under
-- renderbank.accounts.address-hash-secret (AddressHasher.throttleKey), as the sign-up bonus claims.
-- The database does not hold that secret, so the old rows cannot be re-keyed here: they are deleted.
-- What that forgives is short: each address's sign-in failures start again from zero (its wait is at
-- most 15 minutes), and so do its sign-up, resend and forgot-password counts of the current hour;
-- the per-client counts and locks are keyed by client address and stay. A browser that signed in to
-- an account before is known again after its next successful sign-in.
-- (A node of the previous release still running during the upgrade writes plain keys for a while:
-- they are never found again, swept like any other old row, and deleted with their account.)
delete from request_limit where bucket like '%:address:%';
delete from login_throttle_account;
delete from login_device;

comment on column login_throttle_account.email is
    'hex HMAC-SHA256 of the normalised sign-in name under the address-hash secret (AddressHasher.throttleKey), not the name';
comment on column login_device.account is
    'the account''s throttle key (AddressHasher.throttleKey), never the address';

-- login_throttle_account is keyed by the hex SHA-256 of the normalised (trimmed, lower-case) sign-in
-- name from now on, not the name itself: a name with a NUL cannot be stored in text, and a huge one
-- does not fit the primary key's index, so such names made POST /login fail with a 500 instead of
-- being counted. Rows written before hold names already normalised the same way; hashing their
-- UTF-8 bytes here gives the keys the application now computes, so their counts and waits carry on.
-- (A node of the previous release still running during the upgrade writes plain names for a while;
-- those rows are simply not found again and are swept like any other old row.)
update login_throttle_account
   set email = encode(sha256(convert_to(email, 'UTF8')), 'hex')
 where email !~ '^[0-9a-f]{64}$';

comment on column login_throttle_account.email is
    'hex SHA-256 of the normalised sign-in name (SignInNames.throttleKey), not the name';

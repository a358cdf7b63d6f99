-- A sign-up for an address whose account is still unverified carries a password: the new
-- verification link stores its hash (the same encoder as app_user.password_hash), and confirming that
-- link sets it, ending everything whoever knew the old password had. It lives and expires with its
-- link (cleared when the link is used up; the row is swept with it). Null: a link that only verifies.
alter table email_token add column password_hash text;

comment on column email_token.password_hash is
    'VERIFY links of a repeated sign-up: hash of the password chosen then, set when the link is confirmed; null otherwise';

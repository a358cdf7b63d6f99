-- A password change sent again (a double submit on a slow network, the browser resending the POST of
-- the "changed" page) arrives with the old password as "current" and the new one, which the first
-- request already set: without these it was answered "the current password is not right" after the
-- change worked. When the last change was made, and the hash of the password it replaced, kept for
-- that change's one repeat within two minutes (Passwords.REPEAT_WINDOW): the first later attempt
-- whose "current" is not the account's password spends it, right or wrong, and any other way of
-- setting the password (a reset, an operator, a deletion) clears it.
alter table app_user add column password_changed_at timestamptz;
alter table app_user add column password_replaced_hash text;

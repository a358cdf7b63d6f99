-- The identity sweep clears the hash of a replaced password (app_user.password_replaced_hash, kept for
-- a password change's one repeat) once the change's repeat window is over, so old password hashes do
-- not stay in the accounts until the next change. This partial index holds only the accounts that
-- keep one (a few at any time), so the sweep reads them without a scan of app_user. IF NOT EXISTS:
-- operators may build it beforehand CONCURRENTLY under this name (README, migration notes).
create index if not exists app_user_password_replaced_idx on app_user (password_changed_at)
    where password_replaced_hash is not null;

-- Tokens may expire (checked at authentication) and remember when they were last used; the use
-- time is written at most once a minute per token, so a busy client does not cost a write per call.
alter table api_token
    add column expires_at   timestamptz,
    add column last_used_at timestamptz;

create index api_token_live_user_idx on api_token (user_id) where revoked_at is null;

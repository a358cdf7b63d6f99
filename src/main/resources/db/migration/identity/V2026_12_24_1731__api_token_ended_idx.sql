-- The identity sweep deletes API tokens revoked or expired renderbank.retention.api-tokens ago
-- (before, no api_token row was ever deleted). least() is the earlier of the two times that are set;
-- a live token without expiry has neither and no entry. A bearer call writes last_used_at only, which
-- no index names, so those updates stay HOT.
create index if not exists api_token_ended_idx on api_token ((least(revoked_at, expires_at)))
    where least(revoked_at, expires_at) is not null;

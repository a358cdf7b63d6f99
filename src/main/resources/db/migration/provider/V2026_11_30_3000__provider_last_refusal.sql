-- The last 429 (rate limited) or 455 (maintenance) the provider answered at createTask: no state
-- change (jobs wait and retry), but operators can see that and when the provider pushed back.
alter table provider_status
    add column last_refusal_code   int,
    add column last_refusal_at     timestamptz,
    add column last_refusal_detail text;

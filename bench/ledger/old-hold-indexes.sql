-- The hold table's indexes as they were before migration V2026_11_30_9500 (issue 15): the expiry
-- index partial on state = 'OPEN' (so a capture cannot be a HOT update) and no free room in pages.
-- bench/ledger/run.sh measures the ledger with these and with the current ones in the same run.
-- (The seq column stays: it is filled on insert either way.)
drop index if exists credit_hold_seq_idx;
create index if not exists credit_hold_open_expiry_idx on credit_hold (expires_at) where state = 'OPEN';
alter table credit_hold reset (fillfactor);

-- The hold table's indexes as migration V2026_11_30_9500 leaves them (undoes old-hold-indexes.sql).
drop index if exists credit_hold_open_expiry_idx;
create index if not exists credit_hold_seq_idx on credit_hold (seq);
alter table credit_hold set (fillfactor = 80);

-- The expiry sweep's mark no longer passes a hold number whose reserve may still commit (OpenHolds):
-- each sweep notes the highest number it saw and its snapshot's next transaction id, and a later
-- sweep moves the mark up to that number only once every transaction older than that id has ended.
-- Before, a reserve that took its number and committed after a later reserve and a sweep was passed
-- over and its hold expired only at the hourly full scan (its credits held up to an hour past its
-- deadline).
--
-- The mark written by the old rule may already have passed such a hold: it is dropped (0: not known),
-- so the next sweeps scan every hold until the new rule has moved the mark again (two sweeps).
alter table ledger_expiry_sweep
    add column seen_seq  bigint,
    add column seen_xmax xid8;
update ledger_expiry_sweep set low_seq = 0;

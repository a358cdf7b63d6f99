-- Issue 15 (ninth session): db-scheduler's table keeps only the index entries its queries read with
-- this configuration. Every job inserts its task row and moves it at least once (the SUBMITTED mark
-- reschedules it to the first poll); neither can be a HOT update (execution_time is indexed and
-- changes), so each wrote an entry into every index of the table, four per write.
--
-- 1. priority_execution_time_idx serves the due query only when db-scheduler's priority is enabled
--    (`db-scheduler.priority-enabled`, off here: the due query orders by execution_time alone and
--    uses execution_time_idx). No scan used it (pg_stat_user_indexes after bench/generate).
--    JobTaskIndexesTest fails if priority is switched on in the tested configuration without it.
drop index if exists priority_execution_time_idx;

-- 2. last_heartbeat_idx serves db-scheduler's search for dead executions, `picked = ? and
--    last_heartbeat <= ?`: only rows with a heartbeat (picked ones) can match, and the condition
--    implies `last_heartbeat is not null`, so the partial index serves it. A task inserted or
--    rescheduled (not picked: no heartbeat) no longer writes an entry into it.
drop index if exists last_heartbeat_idx;
create index last_heartbeat_idx on scheduled_tasks (last_heartbeat) where last_heartbeat is not null;

-- Issue 15: the SUBMITTED mark (state, provider task id, progress, version, times) becomes a HOT
-- update: PostgreSQL writes no index entry for an update that changes no indexed column, index
-- predicates included. Before this, the mark changed `provider_task_id` (unique index) and `state`
-- (named by the predicates of the two partial "live" indexes), so each of the table's five indexes
-- got a new entry for every job (~760-800 WAL bytes per mark).

-- 1. The provider's task id is unique across jobs; that uniqueness now lives in a narrow table of
--    its own, written in the same statement as the mark (JobTransitions). The column on the job stays
--    (read with the job, no index). No foreign key: jobs are never deleted, and the key check would
--    lock the job row once more in the mark's own statement.
create table generation_provider_task (
    provider_task_id text primary key,
    job_id           text not null
);
insert into generation_provider_task (provider_task_id, job_id)
select provider_task_id, id from generation_job where provider_task_id is not null;
alter table generation_job drop constraint generation_job_provider_task_id_key;

-- 2. "Live" is said by `completed_at is null` instead of the state: every transition to SUCCEEDED or
--    FAILED sets completed_at, none before it does, so the predicates no longer change between
--    RESERVED, SUBMITTED, RUNNING and UNKNOWN. The queries say both (JobStore.IS_LIVE).
update generation_job set completed_at = updated_at
 where completed_at is null and state in ('SUCCEEDED', 'FAILED');
drop index generation_job_live_idx;
drop index generation_job_inflight_idx;
create index generation_job_live_idx on generation_job (deadline_at) where completed_at is null;
create index generation_job_inflight_idx on generation_job (user_id, type) where completed_at is null;

-- 3. Room on each page for the updated versions of its rows (a job is updated several times while
--    live); applies to pages filled from now on.
alter table generation_job set (fillfactor = 75);

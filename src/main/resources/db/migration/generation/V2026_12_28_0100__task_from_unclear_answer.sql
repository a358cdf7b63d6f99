-- A job's provider task named only by its submit's unclear answer (UnknownMarks): no record of it read
-- for the job, no callback to the job's own URL confirming it. Such a task is given up to the job the
-- provider created it for (that job's clear createTask answer, or a callback to that job's URL),
-- whatever the state of the job that named it, a failed one's included (TaskRecords). A constant
-- default: no rewrite of the table.
alter table generation_job add column task_from_unclear_answer boolean not null default false;

-- Until now an UNKNOWN job with a task had it from its unclear answer (nothing else records one for
-- an UNKNOWN job); live jobs only, through the live index. Failed jobs' tasks cannot be told apart.
update generation_job set task_from_unclear_answer = true
 where completed_at is null and state = 'UNKNOWN' and provider_task_id is not null;

-- recordInfo answers that show no usable record of a live job's task (404, 422, success without result
-- URLs), counted while they persist: one such answer (a provider still writing its record just after
-- createTask) never fails a job, a streak of them over minutes does (JobPolling, RecordGaps). A record
-- read in between ends the streak. Neither column is indexed, so the updates stay HOT.
alter table generation_job
    add column record_gap_since   timestamptz,
    add column record_gap_answers integer not null default 0;

-- When the late-delivery checks of a failed job ended without a result (the provider failed its task,
-- or the checks gave up after their tries): from then on its owner is no longer told that a free late
-- result may still come (lateResultUntil). Null while they run, for any other job, and for jobs whose
-- checks ended before this column (their window ends with its ten hours). Not indexed.
alter table generation_job add column late_checks_ended_at timestamptz;

-- Account deletion reads and deletes the user's stored results by user_id (AccountDeletedJobs): without
-- an index each deletion scanned the whole generation_asset table.
create index if not exists generation_asset_user_idx on generation_asset (user_id);

-- The dashboard counts jobs finished in the last 24 hours (JobStats: by state, per model, failure
-- reasons) by completed_at, which no index named: each view scanned the whole job table. Only finished
-- jobs have an entry, so inserting a job writes none; completed_at is set once, by the transition to
-- SUCCEEDED or FAILED, which was never a HOT update (it changes the predicate of the live-job indexes),
-- and no update of a live job (the submit marks, progress) or of a finished one changes it.
create index if not exists generation_job_completed_idx on generation_job (completed_at)
    where completed_at is not null;

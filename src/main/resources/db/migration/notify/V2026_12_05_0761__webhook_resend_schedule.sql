-- A resend starts a fresh attempt schedule: the retry waits grow with the attempts made since the
-- latest resend (attempts - schedule_start), while attempts keeps counting, so the history stays.
alter table webhook_delivery add column schedule_start int not null default 0;

-- The exhausted state resumes only on a balance reading that is enough for what the provider refused,
-- and that began after the latest trip. trip_epoch counts every trip (every 402 the provider answers,
-- every balance reading below the resume threshold, every 401); a balance check notes it before it
-- asks the provider and clears the state only if it is still the same (compare-and-set in SQL).
-- refused_task_cost is the largest provider cost of a task refused since the state was last clear
-- (0 when unknown); the state clears at a balance of at least max(resume threshold, that cost).
-- refused_at_balance is the provider balance read just after the provider refused (402) a task, since
-- the state was last clear (null: not read, or tripped by a reading or a 401); the state clears only on
-- a reading above it, so a refusal whose cost is unknown is not followed by a resume on the same balance.
alter table provider_status
    add column trip_epoch        bigint not null default 0,
    add column refused_task_cost bigint not null default 0 check (refused_task_cost >= 0),
    add column refused_at_balance bigint;

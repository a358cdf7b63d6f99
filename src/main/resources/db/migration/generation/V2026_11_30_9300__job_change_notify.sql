-- Every change of a job that a status stream shows bumps its version. This trigger turns each bump
-- into a NOTIFY on channel generation_job_changed (payload: the job id) inside the same
-- transaction, so PostgreSQL delivers it to every node's listener when, and only when, the change
-- commits -- whichever node, task or operator command made it. Notifications of one transaction
-- with the same payload are folded into one by PostgreSQL.
create function generation_job_notify_change() returns trigger
language plpgsql as $$
begin
    perform pg_notify('generation_job_changed', new.id);
    return null;
end
$$;

create trigger generation_job_changed
    after update on generation_job
    for each row
    when (old.version is distinct from new.version)
    execute function generation_job_notify_change();

-- The statement that wrote a job's submit-started mark, by an id of its own (a random UUID each
-- statement, SubmitStartedMarks): set with submit_started_at by the same statement (no extra
-- commit), null while no mark stands (and for marks written before this column, which no undo
-- matches). A grouped mark whose statement failed for its callers though it
-- may have committed (its answer lost with the connection) is undone by that id, and only in jobs whose
-- mark it still is: never a mark another statement, node or earlier process wrote, whatever its time.
-- Not indexed, so the marks (submit-started and SUBMITTED) stay HOT updates; the undo finds its rows by
-- their primary keys.
alter table generation_job add column submit_mark_id uuid;

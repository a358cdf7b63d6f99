-- A deleted account's limit rows are closed by generation's part of the deletion, under the row
-- lock every accept holds until it commits: an accept already holding it commits first (and its job
-- is then failed by the deletion's clean-up, which reads the jobs after closing), a later one is
-- refused. A constant default: no table rewrite.
alter table generation_limit add column closed boolean not null default false;

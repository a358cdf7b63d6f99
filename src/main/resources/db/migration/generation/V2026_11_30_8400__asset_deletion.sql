-- An owner may delete a creation's file. The rows stay (the job, its charge and the asset's size and
-- hash are history; the credits stay charged); both are marked, and the stored file is removed.
alter table generation_asset add column deleted_at timestamptz;
alter table generation_job add column asset_deleted_at timestamptz;

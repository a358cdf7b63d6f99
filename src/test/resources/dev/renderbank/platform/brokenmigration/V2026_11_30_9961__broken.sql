-- Test-only (EarlyMigrationsTest): a migration that fails, after every real one.
select * from no_such_table_for_the_failing_migration_test;

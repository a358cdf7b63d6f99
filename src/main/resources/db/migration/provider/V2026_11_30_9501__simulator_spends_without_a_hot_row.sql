-- The built-in simulator no longer debits its one sim_account row on every createTask: all
-- submits serialised on that row's lock (and the benchmark measured the simulator instead of the
-- app). A task records its cost; the balance is what was set, less what the tasks created since
-- then cost, and is computed when asked (the balance endpoint, not the submit path).
alter table sim_task add column cost bigint not null default 0 check (cost >= 0);
alter table sim_account add column spent_before bigint not null default 0;

-- How many times the owner's account had been recovered (app_user.recoveries, read under the
-- account's row lock) when the endpoint was registered. AccountRecovered number n removes the
-- endpoints registered before it (a smaller number) and keeps those registered after it, however
-- late its handler runs. Endpoints registered before this column existed count as before any recovery.
alter table webhook_endpoint add column account_recoveries bigint not null default 0;

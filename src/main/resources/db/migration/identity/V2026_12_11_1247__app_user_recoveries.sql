-- How many times the account was taken back through its mailbox (a password reset, or a repeated
-- sign-up's confirmed link). Each recovery counts one up under the account's row lock and names its
-- number in AccountRecovered; what another module keeps for the account records the number it was
-- written under, so a handler that runs late removes what came before the recovery and nothing
-- written after it. A counter, not a time: no clock (of any node, or the database's) is compared.
alter table app_user add column recoveries bigint not null default 0 check (recoveries >= 0);

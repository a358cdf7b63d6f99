-- The share reward gets the daily check-in's guard: billing_checkin becomes the table of the days a
-- daily reward was given, per user and kind, so both go through the same "never an earlier day"
-- check (RewardDayStore). The table keeps its name and kind defaults to 'check-in', so a node of the
-- previous release still running during an upgrade keeps writing check-ins that mean the same.
-- given_at is the instant of the reward: a reward is refused while the previous one was given on
-- the current calendar day of the user's current time zone (so switching zones cannot give two at
-- one moment). Rows from before this migration have none and are judged by their day alone.
alter table billing_checkin add column kind text not null default 'check-in' check (kind in ('check-in', 'share'));
alter table billing_checkin add column given_at timestamptz;
alter table billing_checkin drop constraint billing_checkin_pkey;
alter table billing_checkin add primary key (user_id, kind, day);

-- A plan switch's invoice credits back the unused time of one period: the one its proration line
-- ends with (Stripe's "Unused time on …" line runs from the switch to that period's end). Two switches
-- in one month name two different periods; the share is taken from the month of the period named, not
-- from whichever period is recorded running at the switch (the other switch's may not be recorded
-- yet). Null: not known (recorded before, or a credit line without a period): any running period, as
-- before.
alter table billing_subscription_period add column unused_credited_end timestamptz;

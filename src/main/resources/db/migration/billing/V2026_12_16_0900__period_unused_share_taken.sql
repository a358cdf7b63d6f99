-- A plan switch whose invoice credits the old period's unused time back (unused_time_credited) takes
-- the unused share of the old period's running month once: from its own first month when that month
-- was granted before the switch was recorded, otherwise when the old month is granted later (its
-- invoice.paid delivered after the switch's, or a yearly month granted by the sweep after it).
-- unused_share_taken says whether that happened.
alter table billing_subscription_period
    add column unused_time_credited boolean not null default false,
    add column unused_share_taken boolean not null default false;

-- Switches recorded before this release took the share when they found the old month granted (a
-- first month granted less); one that found none cannot be told from a switch without credit.
update billing_subscription_period
   set unused_time_credited = true, unused_share_taken = true
 where first_month_less > 0;

-- A subscription period's purchase whose running month a plan switch credited back in money: the
-- unused share of that month's grant (unused_handed_on, floor(granted x unused / month)) paid the new
-- period, which took what this purchase still held of it (unused_kept) off its first month. Refunds
-- and disputes of this purchase take back their fraction of the rest (credits - unused_handed_on) and
-- leave unused_kept, so the unused time is taken back once.
alter table billing_purchase
    add column unused_handed_on bigint not null default 0 check (unused_handed_on >= 0),
    add column unused_kept bigint not null default 0 check (unused_kept >= 0 and unused_kept <= unused_handed_on);

-- Switches recorded before this release took their share off the first month (first_month_less) from
-- the period running at their start, with no refund considered: that purchase handed on that much.
update billing_purchase b
   set unused_handed_on = s.less, unused_kept = s.less
  from (select distinct on (n.purchase_id) o.purchase_id, n.first_month_less as less
          from billing_subscription_period n
          join billing_subscription_period o
            on o.provider = n.provider and o.subscription_id = n.subscription_id
           and o.period_start < n.period_start and o.period_end > n.period_start
         where n.first_month_less > 0
         order by n.purchase_id, o.period_start desc) s
 where b.id = s.purchase_id and b.unused_handed_on = 0;

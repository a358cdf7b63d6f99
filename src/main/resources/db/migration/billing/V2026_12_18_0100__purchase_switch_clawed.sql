-- What plan switches clawed back of a purchase (its "clawed" counts them with what refunds and
-- disputes clawed back): the unused time the switch credited back as money, taken back as credits
-- (<provider>:switch-excess:... from the old period, <provider>:switch:... from the switch's own first
-- month). A won dispute or a failed refund gives back what refunds and disputes clawed back only,
-- clawed - switch_clawed - given back; before, it gave back the switch's clawbacks too.
--
-- months_cut: what a switch's first month granted beyond its credits less the old month's unused
-- share, when that share was taken after the month was granted (the switch recorded first). A give-back
-- never leaves the purchase holding more than its months granted, less this cut and the unused share it
-- handed on to a switch (unused_handed_on - unused_kept): a yearly period's entitlement counts all its
-- twelve months and did not stop that.
alter table billing_purchase
    add column switch_clawed bigint not null default 0 check (switch_clawed >= 0 and switch_clawed <= clawed),
    add column months_cut bigint not null default 0 check (months_cut >= 0);

-- Switches recorded before this release: their clawbacks are in the ledger, keyed
-- <provider>:switch-excess:<switch>:<grant> or <provider>:switch:<switch>:<grant>, on the purchase's
-- grants; what the switch:... ones took is the first month's cut (all of it, unless a refund or dispute
-- had taken part of that month first).
update billing_purchase b
   set switch_clawed = s.applied, months_cut = s.cut
  from (select pg.purchase_id, sum(c.applied) as applied,
               coalesce(sum(c.applied) filter (where split_part(c.clawback_key, ':', 2) = 'switch'), 0) as cut
          from credit_clawback c
          join credit_grant g on g.id = c.grant_id
          join billing_purchase_grant pg on pg.grant_key = g.grant_key
         where split_part(c.clawback_key, ':', 2) in ('switch', 'switch-excess')
         group by pg.purchase_id) s
 where b.id = s.purchase_id and s.applied > 0;

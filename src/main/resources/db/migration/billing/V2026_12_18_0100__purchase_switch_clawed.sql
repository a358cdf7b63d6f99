-- What plan switches clawed back of a purchase (its "clawed" counts them with what refunds and
-- disputes clawed back): the unused time the switch credited back as money, taken back as credits
-- (<provider>:switch-excess:... from the old period, <provider>:switch:... from the switch's own first
-- month). A won dispute or a failed refund gives back what refunds and disputes clawed back only,
-- clawed - switch_clawed - given back; before, it gave back the switch's clawbacks too.
alter table billing_purchase
    add column switch_clawed bigint not null default 0 check (switch_clawed >= 0 and switch_clawed <= clawed);

-- Switches recorded before this release: their clawbacks are in the ledger, keyed
-- <provider>:switch-excess:<switch>:<grant> or <provider>:switch:<switch>:<grant>, on the purchase's grants.
update billing_purchase b
   set switch_clawed = s.applied
  from (select pg.purchase_id, sum(c.applied) as applied
          from credit_clawback c
          join credit_grant g on g.id = c.grant_id
          join billing_purchase_grant pg on pg.grant_key = g.grant_key
         where split_part(c.clawback_key, ':', 2) in ('switch', 'switch-excess')
         group by pg.purchase_id) s
 where b.id = s.purchase_id and s.applied > 0;

-- Disputes take back their own share of a charge, like partial refunds: disputed_minor is what open
-- and lost disputes dispute, in the purchase's own amount; entitlement = credits - floor(credits *
-- min(refunded + disputed, amount) / amount). "disputed" now means "a dispute is open": yearly months
-- wait while it is and resume (or are granted) when it closes.
alter table billing_purchase
    add column disputed_minor bigint not null default 0 check (disputed_minor >= 0);

alter table billing_dispute
    add column amount_minor bigint not null default 0 check (amount_minor >= 0);

-- Until now every dispute disputed the whole charge.
update billing_dispute d
   set amount_minor = p.amount_minor
  from billing_purchase p
 where d.purchase_id = p.id and d.status in ('OPEN', 'LOST');

update billing_purchase p
   set disputed_minor = least(p.amount_minor,
                              (select coalesce(sum(d.amount_minor), 0) from billing_dispute d
                                where d.purchase_id = p.id and d.status in ('OPEN', 'LOST'))),
       disputed = exists (select 1 from billing_dispute d where d.purchase_id = p.id and d.status = 'OPEN')
 where p.disputed;

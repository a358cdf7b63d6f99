-- A plan switch that starts a new period while a month an earlier period of the subscription granted
-- is still running, and whose invoice credits the unused time of the old price back: the new period's
-- first month is granted less the unused share of that month's grant (credits follow paid time).
-- first_month_less is that share, first_month_note says why (it goes into the grant's ledger reason).
alter table billing_subscription_period
    add column first_month_less bigint not null default 0 check (first_month_less >= 0),
    add column first_month_note text;

-- Such a monthly period's purchase may be left nothing to grant (its one month used up by the share).
alter table billing_purchase drop constraint billing_purchase_credits_check;
alter table billing_purchase add constraint billing_purchase_credits_check check (credits >= 0);

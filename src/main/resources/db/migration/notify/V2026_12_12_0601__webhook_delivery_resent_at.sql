-- When the owner last asked to resend the delivery: a resend sooner than renderbank.webhooks.resend-interval
-- after it is refused (a conditional update on this column, so two resends at once cannot both pass).
alter table webhook_delivery add column resent_at timestamptz;

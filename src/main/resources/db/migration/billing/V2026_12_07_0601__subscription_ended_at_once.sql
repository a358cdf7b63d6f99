-- A subscription the provider ended at once (Stripe customer.subscription.deleted: access ends at
-- ends_at), told apart from a cancellation that keeps the paid period: a paid period that started
-- before such an end still grants its months (it was paid for); a free one stops at the end, and a
-- late report of one no longer moves the end.
alter table billing_subscription add column ended_at_once boolean not null default false;

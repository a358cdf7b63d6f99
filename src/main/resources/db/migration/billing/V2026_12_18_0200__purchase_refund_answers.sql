-- How many of the provider's answers about a charge's refunded total were applied to the purchase,
-- including those that found the total as recorded and moved nothing. An answer asked before another
-- was applied may be older than it and is asked again (RefundTotals); counting only the answers that
-- moved the total let an older answer through after a fresher one that moved nothing.
alter table billing_purchase add column refund_answers bigint not null default 0 check (refund_answers >= 0);

-- A refund stated as its own amount of a charge (Creem's refund_amount of the transaction's
-- amount_paid): both kept, so a purchase recorded at another amount converts the charge's
-- cumulative refunded total, not each refund rounded down on its own.
alter table billing_refund add column refund_minor bigint;
alter table billing_refund add column charge_minor bigint;

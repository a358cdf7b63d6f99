-- A dispute stated as its own amount of a charge (Creem's dispute amount of the transaction's
-- amount_paid): both kept, like a refund's (V2026_12_06_0301), so refunds and disputes of one
-- charge, in any order, are steps of one running total of it and together take back the whole
-- purchase when they take back the whole charge. Disputes recorded before stay out of the total.
alter table billing_dispute add column charge_share_minor bigint;
alter table billing_dispute add column charge_minor bigint;

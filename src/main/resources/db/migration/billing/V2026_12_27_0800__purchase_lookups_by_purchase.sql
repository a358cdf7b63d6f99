-- A purchase's provider ids, refunds and disputes are read by purchase_id, which none of their keys
-- leads with (billing_purchase_ref and billing_refund are keyed by (provider, ref/refund_id),
-- billing_dispute by (provider, dispute_id)): each look-up scanned the whole table. Reconciliation's
-- list of a provider's recent purchases (PurchaseChargeStore.recordedSince) read every purchase's ids
-- with one scan of billing_purchase_ref per purchase, up to 500 per run, after a scan of
-- billing_purchase for the provider's newest; a refund or dispute webhook counts the purchase's refund
-- movements and what its refunds and disputes took back (RefundStore) while it holds the purchase's
-- row locked, so every other webhook of that purchase waits for those scans too.
--
-- A plain build blocks writes to its table while it runs (no purchase, refund or dispute recorded
-- meanwhile): on big tables create them beforehand with CREATE INDEX CONCURRENTLY under these names
-- (README's migration notes), and this builds nothing.
create index if not exists billing_purchase_ref_purchase_idx on billing_purchase_ref (purchase_id);
create index if not exists billing_refund_purchase_idx on billing_refund (purchase_id);
create index if not exists billing_dispute_purchase_idx on billing_dispute (purchase_id);
create index if not exists billing_purchase_provider_created_idx on billing_purchase (provider, created_at, id);

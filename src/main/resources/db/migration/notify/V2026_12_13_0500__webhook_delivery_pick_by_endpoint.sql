-- The sender's pick skips through this index from one endpoint with pending deliveries to the next
-- and takes each free endpoint's oldest due delivery from it (DeliveryStore.PICK), so a pick costs a
-- few buffers per endpoint with work, not a read of the whole backlog. It replaces the index on
-- next_attempt_at alone, which only the old pick used (it read every due delivery to keep one per
-- endpoint).
create index webhook_delivery_endpoint_due_idx on webhook_delivery (endpoint_id, next_attempt_at, id)
    where status = 'PENDING';
drop index webhook_delivery_due_idx;

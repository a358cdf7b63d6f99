-- At most one delivery in flight per endpoint, across nodes: a sender claims the endpoint with its
-- delivery (sending_until = the delivery's lease) and clears it once the attempt is recorded; an
-- endpoint whose claim is still running is not picked, and one left by a sender that died is picked
-- again once the lease has passed.
alter table webhook_endpoint add column sending_until timestamptz;

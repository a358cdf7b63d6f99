-- Stripe inquiries (retrieval requests: warning_needs_response, warning_under_review) move no funds,
-- so they take no credits: a dispute is INQUIRY while it is one (amount_minor and clawed stay 0),
-- OPEN once it becomes a chargeback or its funds are withdrawn (its share is taken then), and
-- INQUIRY_CLOSED when it ends as warning_closed without ever becoming one.
alter table billing_dispute drop constraint billing_dispute_status_check;
alter table billing_dispute
    add constraint billing_dispute_status_check
        check (status in ('INQUIRY', 'INQUIRY_CLOSED', 'OPEN', 'WON', 'LOST'));

-- A plan checkout looks for the user's other plan checkouts not completed (one plan at a time):
-- by user, among the rows still PENDING or OPEN.
create index billing_checkout_user_open_idx on billing_checkout (user_id, created_at)
    where status in ('PENDING', 'OPEN');

-- The purchases page and GET /api/v1/purchases read one user's purchases newest first, a page at a time.
create index billing_purchase_user_id_idx on billing_purchase (user_id, id desc);
drop index billing_purchase_user_idx;

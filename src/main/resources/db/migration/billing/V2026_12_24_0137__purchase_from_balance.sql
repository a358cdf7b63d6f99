-- A Stripe invoice paid wholly or partly from the customer's Stripe balance (the unused time a plan
-- switch credited back as money, say) charges less than it is worth: amount_minor is what the buyer
-- was charged (amount_paid), from_balance_minor the rest of the invoice's total, paid with money the
-- buyer gave before (counted then). Refunds and disputes take back money of the charge only, so they
-- take back their share of the credits measured against the whole (amount_minor + from_balance_minor):
-- the part the balance paid stays.
--
-- Purchases recorded before: 0. A period paid wholly from the balance was recorded at the invoice's
-- total (amount_minor, as if charged), one paid partly at what was charged; neither can be told
-- apart from an ordinary one here, so they keep the figures they were recorded with.
-- The default is a constant and the check NOT VALID (every existing row gets 0, which it allows):
-- no rewrite and no scan of the table under its exclusive lock, only a change of the catalogue. The
-- check holds every row written from now on; its name is the one a column check would have had.
alter table billing_purchase
    add column from_balance_minor bigint not null default 0,
    add constraint billing_purchase_from_balance_minor_check check (from_balance_minor >= 0) not valid;

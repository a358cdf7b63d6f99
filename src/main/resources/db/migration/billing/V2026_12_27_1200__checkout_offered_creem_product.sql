-- The Creem product a checkout offered its product under when it was opened (the catalogue's
-- creem-product-id of that moment). A plan's renewal at that product keeps the terms it was sold
-- with, whatever the catalogue now says for the product (unless the pre-tax amount charged is the
-- plan's new price); one at the plan's current product, when that is another one, was moved there
-- at Creem and gets the plan as it is now. Null for checkouts opened before: such a renewal is told
-- by its pre-tax amount alone. A nullable column without a default: no scan of the table under its
-- exclusive lock, only a change of the catalogue.
alter table billing_checkout
    add column offered_creem_product text;

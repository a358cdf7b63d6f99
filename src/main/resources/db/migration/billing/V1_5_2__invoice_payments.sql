-- Charge and payment-intent ids of a paid invoice, from invoice_payment.paid (Stripe API 2025-03-31+
-- no longer names them on the invoice). Kept here whichever of invoice.paid and invoice_payment.paid
-- comes first, and added as refs of the invoice's purchase, so a later refund or dispute finds it.
create table billing_invoice_payment (
    provider   text not null,
    invoice_id text not null,
    ref        text not null,
    primary key (provider, invoice_id, ref)
);

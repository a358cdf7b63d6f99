-- A provider's checkout session is matched to the checkout renderbank opened by the session id
-- stored when it was opened (webhooks and reconciliation look it up by that id): sessions of other
-- applications sharing the payment account match nothing and grant nothing.
create index billing_checkout_provider_ref_idx on billing_checkout (provider, provider_ref)
    where provider_ref is not null;

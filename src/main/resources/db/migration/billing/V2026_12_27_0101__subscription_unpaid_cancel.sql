-- A plan whose first payment failed (payment_failed) is cancelled at its provider: before, it was only
-- ended here, and Stripe could keep the subscription (incomplete, past_due), collect a retry later and
-- renew it beside a plan bought since, while an account deletion left it alone (it did not renew as
-- recorded). 'due': its cancellation at the provider is to be made (queued when the plan ended, and
-- made again by an account deletion); 'confirmed': the provider cancelled it, or said it had already
-- ended or does not exist. Null: nothing of that kind (every other subscription).
-- Plans ended payment_failed before this are 'due': nobody asked their provider to cancel them. Their
-- cancellation is made by their account's deletion; an operator may cancel them at Stripe meanwhile
-- (README's migration notes). The update touches the few rows of that status only.
alter table billing_subscription
    add column provider_cancel text,
    add constraint billing_subscription_provider_cancel_known check (
        provider_cancel is null or provider_cancel in ('due', 'confirmed')) not valid;

update billing_subscription set provider_cancel = 'due' where status = 'payment_failed';

package dev.renderbank.notify.internal;

import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.DurableEventHandler;
import org.springframework.stereotype.Component;

/**
 * Receipts: a purchase confirmation, a renewal notice for a subscription's later periods, or, for a
 * period that starts a change to another plan, a plan-change notice (also when it was paid nothing and
 * grants nothing now: it says the plan changed and why no credits came).
 */
@Component
class PurchaseMail implements DurableEventHandler<PurchaseCompleted> {

    private final Notifier notifier;

    PurchaseMail(Notifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public String name() {
        return "notify.purchase-mail";
    }

    @Override
    public Class<PurchaseCompleted> eventType() {
        return PurchaseCompleted.class;
    }

    @Override
    public void handle(PurchaseCompleted e) {
        String template = e.planChange() ? "plan-change" : e.renewal() ? "subscription-renewal" : "purchase";
        notifier.purchase(
                e.userId(),
                e.key(),
                e.product(),
                e.amountMinor(),
                e.fromBalanceMinor(),
                e.currency(),
                e.credits(),
                template);
    }
}

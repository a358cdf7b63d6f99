package dev.renderbank.notify.internal;

import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.DurableEventHandler;
import org.springframework.stereotype.Component;

/** Receipts: a purchase confirmation, or a renewal notice for a subscription's later periods. */
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
        notifier.purchase(e.userId(), e.key(), e.product(), e.amountMinor(), e.currency(), e.credits(), e.renewal());
    }
}

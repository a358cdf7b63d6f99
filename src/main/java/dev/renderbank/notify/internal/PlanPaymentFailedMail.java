package dev.renderbank.notify.internal;

import dev.renderbank.billing.PlanPaymentFailed;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.DurableEventHandler;
import org.springframework.stereotype.Component;

/**
 * Tells the user that their plan's first payment did not go through (a receipt of sorts: it cannot be
 * turned off): the plan never started, no credits were added, and a plan can be bought again.
 */
@Component
class PlanPaymentFailedMail implements DurableEventHandler<PlanPaymentFailed> {

    private final Notifier notifier;

    PlanPaymentFailedMail(Notifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public String name() {
        return "notify.plan-payment-failed-mail";
    }

    @Override
    public Class<PlanPaymentFailed> eventType() {
        return PlanPaymentFailed.class;
    }

    @Override
    public void handle(PlanPaymentFailed e) {
        notifier.planPaymentFailed(e.userId(), e.key(), e.product());
    }
}

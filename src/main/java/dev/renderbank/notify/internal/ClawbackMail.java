package dev.renderbank.notify.internal;

import dev.renderbank.billing.CreditsClawedBack;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.DurableEventHandler;
import org.springframework.stereotype.Component;

/** Tells the user when a refund or a dispute took credits back (a receipt: it cannot be turned off). */
@Component
class ClawbackMail implements DurableEventHandler<CreditsClawedBack> {

    private final Notifier notifier;

    ClawbackMail(Notifier notifier) {
        this.notifier = notifier;
    }

    @Override
    public String name() {
        return "notify.clawback-mail";
    }

    @Override
    public Class<CreditsClawedBack> eventType() {
        return CreditsClawedBack.class;
    }

    @Override
    public void handle(CreditsClawedBack e) {
        notifier.clawback(e.userId(), e.key(), e.credits(), e.reason() + " of your " + e.product() + " purchase");
    }
}

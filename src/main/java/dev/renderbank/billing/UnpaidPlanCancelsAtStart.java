package dev.renderbank.billing;

import dev.renderbank.billing.core.UnpaidPlanEnded;
import dev.renderbank.billing.db.SubscriptionStatusStore;
import dev.renderbank.billing.db.SubscriptionStatusStore.CancelDue;
import dev.renderbank.platform.DurableEvents;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Queues, at each start, the cancel at the provider of every plan whose cancel is due ({@code
 * billing_subscription.provider_cancel = 'due'}) by publishing its {@link UnpaidPlanEnded}: the plans
 * that ended {@code payment_failed} before the release that cancels them were marked due by its
 * migration ({@code V2026_12_27_0101}) with nobody queued to cancel them, and Stripe may still hold
 * them and collect a retry. Idempotent across nodes and restarts: the event's task is keyed by the
 * subscription ({@link UnpaidPlanEnded#key}), so one still queued (a plan ended since, or a cancel
 * retrying while Stripe is unreachable) is not queued again, and its handler asks the provider only
 * while the cancel is due ({@link UnpaidPlanCancels}). Read in bounded pages; each plan in a
 * transaction of its own, and one that cannot be queued now (nor any, while the database cannot be
 * read) is queued by the next start; the start goes on either way.
 */
@Component
class UnpaidPlanCancelsAtStart {

    private static final Logger log = LoggerFactory.getLogger(UnpaidPlanCancelsAtStart.class);

    static final int PAGE = 200;

    private final SubscriptionStatusStore statuses;
    private final DurableEvents events;
    private final TransactionTemplate tx;

    UnpaidPlanCancelsAtStart(SubscriptionStatusStore statuses, DurableEvents events, TransactionTemplate tx) {
        this.statuses = statuses;
        this.events = events;
        this.tx = tx;
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStart() {
        try {
            int due = queueDue();
            if (due > 0) {
                log.info("{} plan(s) whose first payment failed have their cancel at the provider queued", due);
            }
        } catch (RuntimeException e) {
            // the database cannot be read now (the node starts all the same): the next start queues them
            log.warn("the cancels at the provider that are due could not be queued at this start: {}", e.toString());
        }
    }

    /** Publishes the cancel of each plan whose cancel is due (none twice while queued); how many are due. */
    int queueDue() {
        int due = 0;
        CancelDue after = null;
        List<CancelDue> page;
        do {
            page = statuses.unpaidCancelsDue(after, PAGE);
            for (CancelDue d : page) {
                due++;
                try {
                    tx.executeWithoutResult(
                            s -> events.publish(new UnpaidPlanEnded(d.userId(), d.provider(), d.subscriptionId())));
                } catch (RuntimeException e) {
                    log.warn(
                            "the cancel of subscription {} ({}) at its provider could not be queued now ({}); the"
                                    + " next start queues it",
                            d.subscriptionId(),
                            d.provider(),
                            e.toString());
                }
                after = d;
            }
        } while (page.size() == PAGE);
        return due;
    }
}

package dev.renderbank.billing;

import dev.renderbank.billing.core.WebhookIntake;
import dev.renderbank.billing.db.OperatorBillingQueries;
import dev.renderbank.billing.db.PaymentEventStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Read-only queries for operators (admin pages, command line) across users. */
@Service
public class OperatorBilling {

    private final OperatorBillingQueries queries;
    private final PaymentEventStore events;
    private final WebhookIntake intake;

    OperatorBilling(OperatorBillingQueries queries, PaymentEventStore events, WebhookIntake intake) {
        this.queries = queries;
        this.events = events;
        this.intake = intake;
    }

    /** Stored payment webhooks, newest first; {@code status} (RECEIVED, PROCESSED, IGNORED, FAILED) null for all. */
    public List<PaymentEvent> paymentEvents(String status, Long beforeId, int limit) {
        return events.list(status, beforeId == null ? Long.MAX_VALUE : beforeId, limit);
    }

    public Optional<PaymentEvent> paymentEvent(long id) {
        return events.list(null, id + 1, 1).stream().filter(e -> e.id() == id).findFirst();
    }

    /**
     * The stored event, its row locked until the caller's transaction ends: an operator's reprocess
     * checks it and processes it in one transaction, so one running at the same moment waits and
     * then sees the first one's outcome.
     */
    public Optional<PaymentEvent> lockPaymentEvent(long id) {
        return events.lock(id);
    }

    /**
     * Processes a stored event now through the normal event processing, in the caller's transaction
     * (its effects commit with the caller's audit record). Answers {@code processed} (it was applied
     * or ignored now), {@code stored-for-retry} (it failed again) or {@code duplicate} (it was
     * finished before: nothing done).
     */
    public String reprocessPaymentEvent(long id) {
        return intake.reprocess(id);
    }

    /** The newest purchases of all users, with what was granted, refunded and disputed. */
    public List<UserPurchase> recentPurchases(int limit) {
        return queries.recentPurchases(limit);
    }

    /** The user's purchases, newest first (at most 100). */
    public List<PurchaseSummary> purchases(long userId) {
        return queries.purchases(userId, 100);
    }

    /**
     * The average price of a credit over paid purchases, in the currency most purchases were made
     * in (empty when nothing was bought for money yet).
     */
    public Optional<CreditPrice> averageCreditPrice() {
        return queries.averageCreditPrice();
    }

    /** Stored payment webhooks by status (RECEIVED, PROCESSED, IGNORED, FAILED). */
    public Map<String, Long> paymentEventsByStatus() {
        return queries.eventsByStatus();
    }
}

package dev.renderbank.billing;

import dev.renderbank.billing.core.Disputes;
import dev.renderbank.billing.core.WebhookIntake;
import dev.renderbank.billing.db.DisputeStore;
import dev.renderbank.billing.db.OperatorBillingQueries;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.billing.db.UserPaymentRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Operators' queries across users (admin pages, command line), and the two repairs that run inside
 * the caller's audited transaction: reprocessing a stored webhook and closing a Creem dispute.
 */
@Service
public class OperatorBilling {

    /** The provider whose disputes an operator closes: Creem sends {@code dispute.created} and nothing after. */
    public static final String OPERATOR_CLOSED_DISPUTES = "creem";

    private final OperatorBillingQueries queries;
    private final PaymentEventStore events;
    private final WebhookIntake intake;
    private final DisputeStore disputeRows;
    private final Disputes disputes;
    private final UserPaymentRecords userRecords;

    OperatorBilling(
            OperatorBillingQueries queries,
            PaymentEventStore events,
            WebhookIntake intake,
            DisputeStore disputeRows,
            Disputes disputes,
            UserPaymentRecords userRecords) {
        this.userRecords = userRecords;
        this.queries = queries;
        this.events = events;
        this.intake = intake;
        this.disputeRows = disputeRows;
        this.disputes = disputes;
    }

    /** Open disputes of all providers, oldest first (the payments page). */
    public List<OpenDispute> openDisputes(int limit) {
        return queries.openDisputes(OPERATOR_CLOSED_DISPUTES, limit);
    }

    /**
     * Closes a Creem dispute as won or lost, in the caller's transaction (its effects commit with the
     * caller's audit record), through the same closing a provider's webhook runs: won gives back what
     * the dispute took and is owed again (keyed {@code creem:dispute-won:<id>}), lost keeps it taken,
     * and the months a yearly plan held back are granted. The dispute's status moves from OPEN by a
     * compare-and-set under its purchase's lock, so a second closing, also one at the same moment,
     * changes nothing: it answers {@link DisputeClosing.AlreadyClosed} or, for the other outcome,
     * {@link DisputeClosing.Conflict}.
     */
    public DisputeClosing closeDispute(String disputeId, boolean won) {
        List<String> providers = disputeRows.providersOf(disputeId);
        if (providers.isEmpty()) {
            return new DisputeClosing.Unknown();
        }
        if (!providers.contains(OPERATOR_CLOSED_DISPUTES)) {
            return new DisputeClosing.ClosedByProvider(providers.get(0));
        }
        Disputes.Ending ending = won ? Disputes.Ending.WON : Disputes.Ending.LOST;
        Disputes.ByOperator result = disputes.closeByOperator(OPERATOR_CLOSED_DISPUTES, disputeId, ending);
        if (result instanceof Disputes.ByOperator.Closed c) {
            return new DisputeClosing.Closed(OPERATOR_CLOSED_DISPUTES, c.purchaseId(), c.clawed(), c.result());
        }
        if (result instanceof Disputes.ByOperator.NotOpen n) {
            return n.status().equals(ending.name())
                    ? new DisputeClosing.AlreadyClosed(OPERATOR_CLOSED_DISPUTES, n.status())
                    : new DisputeClosing.Conflict(OPERATOR_CLOSED_DISPUTES, n.status());
        }
        return new DisputeClosing.Unknown(); // removed between the look-up and the lock: disputes are never deleted
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
     * finished before: nothing done). {@code check} is what {@link #checkPaymentEvent} asked the
     * provider before that transaction opened.
     */
    public String reprocessPaymentEvent(PaymentEventCheck check) {
        return intake.reprocess(check.screened());
    }

    /**
     * The first step of a reprocess, taken outside any transaction: asks the payment provider's API
     * what it must be asked about the event (whether a refunded or disputed charge is another
     * application's), so the transaction of {@link #reprocessPaymentEvent} makes no remote call.
     */
    public PaymentEventCheck checkPaymentEvent(long id) {
        return new PaymentEventCheck(intake.screen(id));
    }

    /** The newest purchases of all users, with what was granted, refunded and disputed. */
    public List<UserPurchase> recentPurchases(int limit) {
        return queries.recentPurchases(limit);
    }

    /** The user's purchases, newest first (at most 100). */
    public List<PurchaseSummary> purchases(long userId) {
        return queries.purchases(userId, 100);
    }

    /** The checkouts the user opened, newest first (at most {@code limit}). */
    public List<UserCheckout> checkouts(long userId, int limit) {
        return userRecords.checkouts(userId, limit);
    }

    /**
     * The stored payment webhooks that name the user (their id in the metadata, or a provider id of
     * their purchases, subscriptions or checkouts), newest first, with the amount each names; {@code
     * status} null for all, {@code beforeId} null for the newest. Searches the payloads of the events
     * received since {@code signedUp} (the account's creation; a day before it, for clocks that differ
     * between nodes): operators only.
     */
    public List<UserPaymentEvent> paymentEventsOf(
            long userId, Instant signedUp, String status, Long beforeId, int limit) {
        return userRecords.events(
                userId,
                signedUp.minus(Duration.ofDays(1)),
                status,
                beforeId == null ? Long.MAX_VALUE : beforeId,
                limit);
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

package dev.renderbank.billing.stripe;

import static dev.renderbank.billing.stripe.StripeInvoiceJson.subscriptionId;

import dev.renderbank.billing.PlanPaymentFailed;
import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.db.SubscriptionStatusStore;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.platform.DurableEvents;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * A plan's first payment that fails. Bought with a delayed method (SEPA Direct Debit, ACH), a plan's
 * Checkout Session completes {@code unpaid} and the plan is recorded as {@link
 * Subscription#PAYMENT_PENDING} ({@link StripeSessions}); its first invoice is paid days later ({@code
 * invoice.paid}: a period, the plan is active) or its debit fails: {@code
 * checkout.session.async_payment_failed} or {@code invoice.payment_failed} of the first invoice ({@code
 * billing_reason: subscription_create}) end it as {@link Subscription#PAYMENT_FAILED}, and a deletion
 * at Stripe before it was paid ends it as {@code canceled} ({@link StripeSubscriptions}). Nothing was
 * granted, so nothing is taken back; the user is told once ({@link PlanPaymentFailed}). A renewal's
 * failed payment changes nothing here: Stripe retries it, and its status events say what follows.
 */
@Component
class StripeFirstPayments {

    private final SubscriptionStore subscriptions;
    private final SubscriptionStatusStore statuses;
    private final DurableEvents events;

    StripeFirstPayments(SubscriptionStore subscriptions, SubscriptionStatusStore statuses, DurableEvents events) {
        this.subscriptions = subscriptions;
        this.statuses = statuses;
        this.events = events;
    }

    /** {@code invoice.payment_failed}: only the first invoice's failure ends a plan not paid yet. */
    Outcome invoiceFailed(JsonNode inv, Instant at) {
        String invoiceId = Json.text(inv, "id");
        String subId = subscriptionId(inv);
        if (subId == null) {
            return new Outcome.Ignored("invoice " + invoiceId + " is not for a subscription");
        }
        if (!"subscription_create".equals(Json.text(inv, "billing_reason"))) {
            return new Outcome.Ignored("a failed payment of invoice " + invoiceId + " of " + subId
                    + ", not its first: Stripe retries it, and the subscription's status events say what follows");
        }
        if (subscriptions.find("stripe", subId).isEmpty()) {
            return new Outcome.Ignored("the first invoice " + invoiceId + " of subscription " + subId
                    + " failed; the subscription is not recorded here (not renderbank's, or its checkout session"
                    + " comes later and records it): nothing was granted");
        }
        return failed(subId, at, "its first invoice " + invoiceId + " was not paid", AFTER_INVOICE);
    }

    /**
     * What a first invoice's failed payment ends: a plan whose session completed unpaid (a bank debit
     * that bounced), also once Stripe called it {@code active} while the debit was processing. Not
     * Stripe's {@code incomplete}: a card declined inside Stripe Checkout fails the first invoice while
     * the buyer may still pay with another card in the same session (a session paid after that is
     * recorded later than the failure, which then changes nothing: {@code status_at}).
     */
    private static final List<String> AFTER_INVOICE =
            List.of(Subscription.PAYMENT_PENDING, "active", Subscription.PAYMENT_FAILED);

    /** What a session's delayed payment failing ends: it comes only after the session completed unpaid. */
    static final List<String> AFTER_SESSION =
            List.of(Subscription.PAYMENT_PENDING, "incomplete", Subscription.PAYMENT_FAILED);

    /**
     * The first payment of recorded subscription {@code subId} failed at {@code at}: ended as {@code
     * payment_failed} unless a period of it is paid (then it stays as it is: a failure reported late).
     */
    Outcome failed(String subId, Instant at, String why, List<String> pending) {
        if (!statuses.firstPaymentFailed("stripe", subId, at, pending)) {
            return new Outcome.Ignored("subscription " + subId + ": " + why
                    + ", but a period of it is paid, it is not pending (" + pending + "), it ended otherwise,"
                    + " or a newer status is recorded: nothing changed");
        }
        subscriptions.find("stripe", subId).ifPresent(this::tell);
        return new Outcome.Processed("subscription " + subId + " ended unpaid (" + why + "); nothing was granted");
    }

    /**
     * A status event ended {@code before}, a subscription whose first payment was pending: the user is
     * told, as for a failed payment.
     */
    void endedUnpaid(Optional<Subscription> before, boolean ended) {
        before.filter(s -> ended && s.paymentPending()).ifPresent(this::tell);
    }

    private void tell(Subscription s) {
        events.publish(new PlanPaymentFailed(s.userId(), s.product(), s.provider(), s.id()));
    }
}

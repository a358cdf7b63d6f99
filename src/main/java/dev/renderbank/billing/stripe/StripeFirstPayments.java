package dev.renderbank.billing.stripe;

import static dev.renderbank.billing.stripe.StripeInvoiceJson.subscriptionId;

import dev.renderbank.billing.PlanPaymentFailed;
import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.Outcome;
import dev.renderbank.billing.core.Purchases;
import dev.renderbank.billing.core.UnpaidPlanEnded;
import dev.renderbank.billing.db.SubscriptionStatusStore;
import dev.renderbank.billing.db.SubscriptionStore;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
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
 * granted, so nothing is taken back; the user is told once ({@link PlanPaymentFailed}). A plan ended
 * {@code payment_failed} is cancelled at Stripe ({@link UnpaidPlanEnded}), since Stripe may keep the
 * subscription and collect a retry; a period Stripe charged after all is honoured ({@link
 * #paidAfterFailure}). A renewal's failed payment changes nothing here: Stripe retries it, and its
 * status events say what follows.
 */
@Component
class StripeFirstPayments {

    private final SubscriptionStore subscriptions;
    private final SubscriptionStatusStore statuses;
    private final DurableEvents events;
    private final OperatorAlerts alerts;
    private final Clock clock;

    StripeFirstPayments(
            SubscriptionStore subscriptions,
            SubscriptionStatusStore statuses,
            DurableEvents events,
            OperatorAlerts alerts,
            Clock clock) {
        this.subscriptions = subscriptions;
        this.statuses = statuses;
        this.events = events;
        this.alerts = alerts;
        this.clock = clock;
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
        subscriptions.find("stripe", subId).ifPresent(s -> {
            tell(s);
            // cancelled at Stripe after this commits: Stripe may keep it and collect a retry later
            events.publish(new UnpaidPlanEnded(s.userId(), s.provider(), s.id()));
        });
        return new Outcome.Processed("subscription " + subId + " ended unpaid (" + why + "); nothing was granted,"
                + " and it is cancelled at Stripe");
    }

    /**
     * A status event ended {@code before}, a subscription whose first payment was pending: the user is
     * told, as for a failed payment.
     */
    void endedUnpaid(Optional<Subscription> before, boolean ended) {
        before.filter(s -> ended && s.paymentPending()).ifPresent(this::tell);
    }

    /**
     * A period of {@code subId} paid by {@code charge} (invoice {@code invoiceId}), in the transaction
     * that records it. If its plan had ended {@code payment_failed} (Stripe collected a retry before our
     * cancel reached it, or a debit cleared after all), the money was taken: the period is granted as
     * any paid period (credits follow money), the plan is not revived (it is cancelled at Stripe, and
     * runs to that period's end). If the user has another plan running (bought after the failure), two
     * plans are paid: raised to operators, once per invoice, to refund this one (the refund takes back
     * its credits).
     */
    void paidAfterFailure(String subId, Purchases.Charge charge, String invoiceId) {
        if (!statuses.endedUnpaid("stripe", subId)) {
            return;
        }
        Instant now = clock.instant();
        subscriptions.forUser(charge.userId()).stream()
                .filter(s -> !(s.provider().equals("stripe") && s.id().equals(subId)) && s.runningAt(now))
                .findFirst()
                .ifPresent(other -> alerts.raiseOnce(
                        AlertKind.BILLING_PERIOD_PAID_AFTER_END,
                        "paid-after-payment-failed:stripe:" + invoiceId,
                        "Invoice " + invoiceId + " of subscription " + subId + " (stripe, user " + charge.userId()
                                + ") was paid (" + charge.amountMinor() + " " + charge.currency() + ") after its"
                                + " first payment had failed and the plan had ended; the user has bought plan "
                                + other.id() + " (" + other.provider() + ") since, which still runs. Its credits"
                                + " were granted as paid for, and the subscription is cancelled at Stripe: refund"
                                + " invoice " + invoiceId + " there (the refund takes back its credits)."));
    }

    private void tell(Subscription s) {
        events.publish(new PlanPaymentFailed(s.userId(), s.product(), s.provider(), s.id()));
    }
}

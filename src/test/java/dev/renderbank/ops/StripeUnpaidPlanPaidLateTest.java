package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Stripe plan ended {@code payment_failed} (its first payment failed) that Stripe charges after all:
 * a retry it collected before the cancel reached it, a debit that cleared late. The money was taken,
 * so the user must not lose it: the period is granted as paid for, without reviving the plan (it is
 * cancelled at Stripe); when the user bought another plan since, two plans are paid and the late one
 * is raised to operators to refund ({@code billing.period-paid-after-end}), once.
 */
class StripeUnpaidPlanPaidLateTest extends StripeUnpaidPlanIntegrationTest {

    /**
     * Stripe collected the first invoice after all (a retry before the cancel reached it): the money
     * was taken, so its month is granted, but the plan stays ended: no renewal, and a later status
     * from Stripe does not make it run again.
     */
    @Test
    void aPeriodPaidAfterTheFirstPaymentFailedIsGrantedWithoutRevivingThePlan() throws Exception {
        UserAccount u = buyer();
        String sub = newId("sub");
        stubCancelled(sub);
        endedUnpaid(u, sub);

        clock.advance(Duration.ofSeconds(5));
        String invoice = newId("in");
        Instant end = paid(u, sub, invoice);

        assertThat(ledger.balance(u.id()).available())
                .as("the month its money paid")
                .isEqualTo(500);
        assertThat(status(sub)).as("not revived: it is cancelled at Stripe").isEqualTo("canceled");
        assertThat(endsAt(sub)).as("it runs for the period paid, then ends").isEqualTo(end);
        clock.advance(Duration.ofSeconds(5));
        stripeWebhook(newId("evt"), "customer.subscription.updated", subscription(sub, u, "active"));
        assertThat(status(sub)).isEqualTo("canceled");
        assertThat(refundAlerts(invoice)).as("nothing to refund: no other plan").isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
        awaitCancelledAtStripe(sub);
    }

    /**
     * The user bought another plan after the first failed, then Stripe collected the failed one after
     * all: two plans are paid. The late period is recorded and granted (the money was taken) and raised
     * to operators, once, to refund it; the plan bought since stays the one that runs.
     */
    @Test
    void aPeriodPaidAfterTheFirstPaymentFailedBesideAPlanBoughtSinceIsRaisedToOperatorsToRefund() throws Exception {
        UserAccount u = buyer();
        String failed = newId("sub");
        stubCancelled(failed);
        endedUnpaid(u, failed);
        String since = newId("sub");
        clock.advance(Duration.ofSeconds(5));
        paid(u, since, newId("in"));

        clock.advance(Duration.ofSeconds(5));
        String late = newId("in");
        String event = newId("evt");
        String lateInvoice = invoice(
                late, failed, u.id(), Instant.ofEpochSecond(clock.instant().getEpochSecond()));
        assertThat(stripeWebhook(event, "invoice.paid", lateInvoice).statusCode())
                .isEqualTo(200);
        assertThat(stored("stripe", event).status()).isEqualTo("PROCESSED");
        stripeWebhook(newId("evt"), "invoice.paid", lateInvoice); // Stripe sends it again

        assertThat(ledger.balance(u.id()).available()).as("both were paid for").isEqualTo(1000);
        assertThat(status(failed)).isEqualTo("canceled");
        assertThat(status(since)).isEqualTo("active");
        List<OperatorAlerts.Alert> raised = refundAlerts(late);
        assertThat(raised).hasSize(1);
        assertThat(raised.get(0).message()).contains(failed).contains(since).contains("refund");
        awaitCancelledAtStripe(failed);
    }
}

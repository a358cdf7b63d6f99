package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.CaptureResult;
import dev.renderbank.ledger.ReserveResult;
import dev.renderbank.support.HeldLockRace;
import dev.renderbank.support.OpenedCheckouts;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Reversing a clawback restores what the clawback took from the user, and no more: the part of it that
 * only ever existed as debt and was forgiven by an operator does not come back as credits when the
 * dispute is won or the refund fails (the user already had it free), while the part the user paid
 * does. So a waiver changes nothing once every clawback it forgave is reversed, in whatever order the
 * waiver, payments and (partial) give-backs come, and a waiver racing the give-back ends the same in
 * both orders. Signed Stripe webhooks; Stripe's API is a local fake; a pack-500 (500 credits for 22.90)
 * spent in full before it is disputed or refunded.
 */
class WaivedDebtGiveBackTest extends ReconcileIntegrationTest {

    @Autowired
    UserActions actions;

    @Autowired
    DataSource dataSource;

    /** A buyer's pack-500 paid with one charge, all 500 credits spent. */
    private record Spent(UserAccount buyer, String chargeId, String paymentIntent) {

        String charge(long refunded) {
            return """
                    {"id":"%s","object":"charge","amount":2290,"amount_refunded":%d,"refunded":%b,"currency":"usd",
                     "payment_intent":"%s"}""".formatted(chargeId, refunded, refunded == 2290, paymentIntent);
        }

        String dispute(String disputeId, String status) {
            return dispute(disputeId, status, 2290);
        }

        String dispute(String disputeId, String status, long amount) {
            return """
                    {"id":"%s","object":"dispute","amount":%d,"currency":"usd","status":"%s","charge":"%s",
                     "payment_intent":"%s"}""".formatted(disputeId, amount, status, chargeId, paymentIntent);
        }

        /** Stripe's charge as its API reports it now. */
        void atStripe(long refunded) {
            STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + chargeId)).willReturn(json(charge(refunded))));
        }
    }

    @Test
    void aDisputeWonAfterTheOperatorWaivedItsDebtGivesNoCredits() throws Exception {
        Spent s = spentPack500();
        String dispute = "dp_" + s.chargeId();
        assertThat(webhook("charge.dispute.created", s.dispute(dispute, "needs_response")))
                .isEqualTo(200);
        assertThat(credits(s)).as("the dispute claws back 500, all of it debt").isEqualTo(new Balance(0, 0, 500));

        assertThat(waive(s)).isInstanceOf(ActionResult.Done.class);
        assertThat(credits(s)).isEqualTo(new Balance(0, 0, 0));

        assertThat(webhook("charge.dispute.closed", s.dispute(dispute, "won"))).isEqualTo(200);
        assertThat(credits(s))
                .as("won: as if neither the dispute nor the waiver had been (500 were spent)")
                .isEqualTo(new Balance(0, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aRefundFailingInStepsAfterTheOperatorWaivedItsDebtGivesNoCredits() throws Exception {
        Spent s = spentPack500();
        s.atStripe(2290);
        assertThat(webhook("charge.refunded", s.charge(2290))).isEqualTo(200);
        assertThat(credits(s)).isEqualTo(new Balance(0, 0, 500));
        assertThat(waive(s)).isInstanceOf(ActionResult.Done.class);

        s.atStripe(1145); // half of the refund failed: the purchase is entitled to 250 again
        assertThat(webhook("charge.refunded", s.charge(1145))).isEqualTo(200);
        assertThat(credits(s)).as("half given back: the forgiven debt").isEqualTo(new Balance(0, 0, 0));

        s.atStripe(0); // the rest failed too
        assertThat(webhook("charge.refunded", s.charge(0))).isEqualTo(200);
        assertThat(credits(s)).as("all given back: the forgiven debt").isEqualTo(new Balance(0, 0, 0));

        s.atStripe(2290); // a new refund of the whole charge takes the purchase back again
        assertThat(webhook("charge.refunded", s.charge(2290))).isEqualTo(200);
        assertThat(credits(s))
                .as("owed again, as it would be had the first refund never been")
                .isEqualTo(new Balance(0, 0, 500));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /**
     * Two refunds of one charge, the first one's debt forgiven by an operator, then the second one
     * fails (Stripe's refunded total goes back to the first's): the failure reverses the second
     * refund's clawback, cancelling its debt, and the waiver stays with the first, which stands. Before,
     * every refund clawback of the purchase counted as reversed and the oldest waiver was taken for
     * restored: nothing was given back and the user kept the failed refund's 200 debt.
     */
    @Test
    void aSecondRefundFailingAfterTheOperatorWaivedTheFirstsDebtCancelsOnlyItsOwnDebt() throws Exception {
        Spent s = spentPack500();
        s.atStripe(916);
        assertThat(webhook("charge.refunded", s.charge(916))).isEqualTo(200);
        assertThat(credits(s)).as("40%% refunded: 200 debt").isEqualTo(new Balance(0, 0, 200));
        assertThat(waive(s)).isInstanceOf(ActionResult.Done.class);
        assertThat(credits(s)).isEqualTo(new Balance(0, 0, 0));

        s.atStripe(1832);
        assertThat(webhook("charge.refunded", s.charge(1832))).isEqualTo(200);
        assertThat(credits(s)).as("another 40%% refunded: 200 debt").isEqualTo(new Balance(0, 0, 200));

        s.atStripe(916); // the second refund failed
        assertThat(webhook("charge.refunded", s.charge(916))).isEqualTo(200);
        assertThat(credits(s))
                .as("the failed refund's debt cancelled, the first one's stays forgiven")
                .isEqualTo(new Balance(0, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /**
     * A refund and a dispute of one pack claw back the same grant: winning the dispute reverses the
     * dispute's clawback, not the refund's. The refund stands and the operator's forgiveness of its
     * debt stays; the dispute's debt is cancelled.
     */
    @Test
    void aDisputeWonAfterTheOperatorWaivedARefundsDebtOfTheSamePackLeavesNoDebt() throws Exception {
        Spent s = spentPack500();
        s.atStripe(916);
        assertThat(webhook("charge.refunded", s.charge(916))).isEqualTo(200);
        assertThat(credits(s)).as("40%% refunded: 200 clawed back, all debt").isEqualTo(new Balance(0, 0, 200));
        assertThat(waive(s)).isInstanceOf(ActionResult.Done.class);
        String dispute = "dp_" + s.chargeId();
        assertThat(webhook("charge.dispute.created", s.dispute(dispute, "needs_response", 1374)))
                .isEqualTo(200);
        assertThat(credits(s)).as("the other 60%% disputed: 300 debt").isEqualTo(new Balance(0, 0, 300));

        assertThat(webhook("charge.dispute.closed", s.dispute(dispute, "won", 1374)))
                .isEqualTo(200);
        assertThat(credits(s))
                .as("the refund stands, its debt forgiven; the dispute's debt is cancelled")
                .isEqualTo(new Balance(0, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void debtThatALaterPurchasePaidComesBackAsCreditsAndOnlyThat() throws Exception {
        Spent s = spentPack500();
        String dispute = "dp_" + s.chargeId();
        assertThat(webhook("charge.dispute.created", s.dispute(dispute, "needs_response")))
                .isEqualTo(200);
        buyPack200(s.buyer()); // pays 200 of the 500 owed
        assertThat(credits(s)).isEqualTo(new Balance(0, 0, 300));
        assertThat(waive(s)).isInstanceOf(ActionResult.Done.class);

        assertThat(webhook("charge.dispute.closed", s.dispute(dispute, "won"))).isEqualTo(200);
        assertThat(credits(s))
                .as("the 200 paid come back, the 300 forgiven do not")
                .isEqualTo(new Balance(200, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void debtThatALaterPurchasePaidComesBackWithoutAnyWaiver() throws Exception {
        Spent s = spentPack500();
        String dispute = "dp_" + s.chargeId();
        assertThat(webhook("charge.dispute.created", s.dispute(dispute, "needs_response")))
                .isEqualTo(200);
        buyPack200(s.buyer());
        assertThat(credits(s)).isEqualTo(new Balance(0, 0, 300));

        assertThat(webhook("charge.dispute.closed", s.dispute(dispute, "won"))).isEqualTo(200);
        assertThat(credits(s)).isEqualTo(new Balance(200, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aWaiverAndAWonDisputeAtTheSameMomentEndTheSameInEitherOrder() throws Exception {
        for (boolean waiverFirst : new boolean[] {true, false}) {
            Spent s = spentPack500();
            String dispute = "dp_" + s.chargeId();
            assertThat(webhook("charge.dispute.created", s.dispute(dispute, "needs_response")))
                    .isEqualTo(200);
            assertThat(credits(s)).isEqualTo(new Balance(0, 0, 500));
            Supplier<ActionResult> waiver = () -> waive(s);
            Supplier<Integer> won = () -> {
                try {
                    return webhook("charge.dispute.closed", s.dispute(dispute, "won"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };

            var r = HeldLockRace.onCreditAccount(dataSource, s.buyer().id()).race(waiver, won, waiverFirst);

            assertThat(r.b()).isEqualTo(200);
            if (waiverFirst) {
                assertThat(r.a()).isInstanceOf(ActionResult.Done.class);
            } else {
                // the win paid the debt off first: nothing was left to forgive
                assertThat(r.a())
                        .isInstanceOfSatisfying(
                                ActionResult.Refused.class,
                                f -> assertThat(f.code()).isEqualTo("no-debt"));
            }
            assertThat(credits(s)).as("waiver first: %s", waiverFirst).isEqualTo(new Balance(0, 0, 0));
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }

    private ActionResult waive(Spent s) {
        return actions.waiveDebt(
                "ops-" + UUID.randomUUID() + "@test.local", s.buyer().id(), "goodwill", key("waive-" + s.chargeId()));
    }

    private Spent spentPack500() throws Exception {
        UserAccount buyer =
                users.create("waived-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String paymentIntent = checkout(buyer, "pack-500", 2290);
        Spent s = new Spent(buyer, "ch_" + UUID.randomUUID().toString().replace("-", ""), paymentIntent);
        assertThat(credits(s)).isEqualTo(new Balance(500, 0, 0));
        String job = "job-" + UUID.randomUUID();
        assertThat(ledger.reserve(buyer.id(), 500, job, Duration.ofMinutes(10)))
                .isInstanceOf(ReserveResult.Reserved.class);
        assertThat(ledger.capture(job)).isInstanceOf(CaptureResult.Captured.class);
        assertThat(credits(s)).isEqualTo(new Balance(0, 0, 0));
        return s;
    }

    private void buyPack200(UserAccount buyer) throws Exception {
        checkout(buyer, "pack-200", 990);
    }

    /** A paid Stripe checkout of {@code product}; answers its payment intent. */
    private String checkout(UserAccount buyer, String product, long amount) throws Exception {
        String sessionId = OpenedCheckouts.stripe(
                jdbc,
                buyer.id(),
                product,
                "cs_test_" + UUID.randomUUID().toString().replace("-", ""),
                clock.instant());
        String session = """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
                 "amount_total":%d,"currency":"usd","client_reference_id":"%d","created":%d,
                 "payment_intent":"pi_%s","metadata":{"userId":"%d","product":"%s"}}""".formatted(
                sessionId, amount, buyer.id(), clock.instant().getEpochSecond(), sessionId, buyer.id(), product);
        assertThat(webhook("checkout.session.completed", session)).isEqualTo(200);
        return "pi_" + sessionId;
    }

    private int webhook(String type, String object) throws Exception {
        return stripeWebhook("evt_" + UUID.randomUUID(), type, object).statusCode();
    }

    private Balance credits(Spent s) {
        return ledger.balance(s.buyer().id());
    }
}

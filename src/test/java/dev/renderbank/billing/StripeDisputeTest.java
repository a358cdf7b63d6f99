package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.dispute;
import static dev.renderbank.billing.StripeWebhookTest.refunded;
import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.billing.db.PeriodStore;
import dev.renderbank.billing.db.PurchaseStore;
import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Disputes of a Stripe pack purchase (pack-200: 200 credits for 990); inquiries: {@link StripeInquiryTest}. */
class StripeDisputeTest extends BillingIntegrationTest {

    @Autowired
    PeriodStore periods;

    @Autowired
    PurchaseStore purchases;

    @Test
    void aLostDisputeClawsBackEvenWhenItsClosingArrivesBeforeItsOpening() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "lost"));
        assertThat(available(u)).isZero();
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));

        assertThat(available(u)).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeWonAfterAFullRefundGivesNothingBack() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        stripe(refunded(id("evt"), charge, pi, 990, 990));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));

        assertThat(available(u)).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeWonAfterAHalfRefundGivesBackOnlyTheUnrefundedHalf() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        stripe(refunded(id("evt"), charge, pi, 990, 495));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));

        assertThat(available(u)).isEqualTo(100);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeWonAfterSmallRefundsLeavesExactlyWhatTheRefundsAloneLeave() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));
        stripe(refunded(id("evt"), charge, pi, 990, 2)); // 0.4 of a credit: nothing taken

        String dp = id("dp");
        // a third disputed on top of the 2 refunded: 200 * 332/990 = 67.07, so 67 are taken
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response", 330));
        assertThat(available(u)).isEqualTo(133);
        stripe(refunded(id("evt"), charge, pi, 990, 5)); // 335 of 990 taken back: still 67 credits
        assertThat(available(u)).isEqualTo(133);
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won", 330));

        // 5 of 990 refunded is 1.01 credits: the purchase keeps 199, whatever the dispute had taken
        assertThat(available(u)).isEqualTo(199);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeThatStatesNoAmountDisputesTheWholeCharge() throws Exception {
        // No provider documents a dispute of 0: a dispute without a positive amount is read as the
        // usual one, of the whole charge, so a chargeback never leaves the credits it paid for.
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response", 0));
        assertThat(available(u)).isZero();
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won", 0));

        assertThat(available(u)).isEqualTo(200);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeOfAPurchaseWhoseGrantTheLedgerLacksTakesNothingAndSaysWhichGrant() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        String cs = opened(u.id(), "pack-200", id("cs"));
        stripe(session(id("evt"), cs, pi, u.id(), "pack-200", 990));
        long purchase = jdbc.sql("select id from billing_purchase where purchase_key = :k")
                .param("k", "stripe:checkout:" + cs)
                .query(Long.class)
                .single();
        // a purchase grant without its ledger grant (a bug elsewhere), the latest, so looked at first
        String missing = id("grant");
        assertThat(purchases.addGrant(purchase, missing, 1, clock.instant().plusSeconds(1)))
                .isTrue();

        String opened = id("evt");
        stripe(dispute("charge.dispute.created", opened, id("dp"), charge, pi, "needs_response"));

        assertThat(eventStatus("stripe", opened)).isEqualTo("FAILED"); // kept and retried, never half applied
        assertThat(jdbc.sql("select last_error from payment_event where provider = 'stripe' and event_id = :e")
                        .param("e", opened)
                        .query(String.class)
                        .single())
                .contains("names grant " + missing + " the ledger lacks");
        assertThat(available(u)).isEqualTo(200);
        assertThat(purchases.lock(purchase).clawed()).isZero();
    }

    @Test
    void aLostPartialDisputeClawsBackOnlyItsShare() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response", 495));
        assertThat(available(u)).isEqualTo(100);
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "lost", 495));

        assertThat(available(u)).isEqualTo(100);
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aWonPartialDisputeGivesItsShareBack() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response", 330));
        assertThat(available(u)).isEqualTo(200 - 66); // 200 * 330/990 = 66.67 → 66
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won", 330));

        assertThat(available(u)).isEqualTo(200);
        assertThat(disputed("stripe", pi)).isFalse();
    }

    @Test
    void aPartialDisputeLostAfterAPartialRefundNeverTakesBackMoreThanTheCharge() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        stripe(refunded(id("evt"), charge, pi, 990, 495)); // half refunded: 100 back
        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response", 990));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "lost", 990));

        var b = ledger.balance(u.id());
        assertThat(b.balance()).isZero();
        assertThat(b.debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void monthsThatStartWhileAYearlyPlanIsDisputedAreGrantedWhenTheDisputeIsWon() throws Exception {
        YearlyPlan plan = yearlyPlan(true);
        UserAccount u = plan.user();
        String invoiceId = plan.invoice();
        String pi = plan.paymentIntent();
        String charge = plan.charge();
        assertThat(available(u)).isEqualTo(500);

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response", 19900));
        assertThat(available(u)).isZero();
        clock.advance(Duration.ofDays(32)); // month 2 starts while the dispute is open
        long purchase = jdbc.sql("select purchase_id from billing_purchase_ref where provider = 'stripe' and ref = ?")
                .param(invoiceId)
                .query(Long.class)
                .single();
        // the sweep sees the month, leaves it waiting and stops looking at the period until the
        // dispute closes (a disputed plan re-read at every sweep would crowd others out of its batch)
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(periods.due(clock.instant(), 10_000)).doesNotContain(purchase));
        awaitSweep();
        assertThat(available(u)).isZero();

        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won", 19900));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(1000));
        assertThat(disputed("stripe", charge)).isFalse();

        clock.advance(Duration.ofDays(31)); // day 63: month 3
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(available(u)).isEqualTo(1500));
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}

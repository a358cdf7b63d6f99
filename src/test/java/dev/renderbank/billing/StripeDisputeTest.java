package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.dispute;
import static dev.renderbank.billing.StripeWebhookTest.refunded;
import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import org.junit.jupiter.api.Test;

/** Disputes and inquiries of a Stripe pack purchase (pack-200: 200 credits for 990). */
class StripeDisputeTest extends BillingIntegrationTest {

    @Test
    void anInquiryClosedWithoutAChargebackGivesTheCreditsBack() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), id("cs"), pi, u.id(), "pack-200", 990));

        String inquiry = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), inquiry, charge, pi, "warning_needs_response"));
        assertThat(available(u)).isZero();
        stripe(dispute("charge.dispute.closed", id("evt"), inquiry, charge, pi, "warning_closed"));

        assertThat(available(u)).isEqualTo(200);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aLostDisputeClawsBackEvenWhenItsClosingArrivesBeforeItsOpening() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), id("cs"), pi, u.id(), "pack-200", 990));

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
        stripe(session(id("evt"), id("cs"), pi, u.id(), "pack-200", 990));

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
        stripe(session(id("evt"), id("cs"), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        stripe(refunded(id("evt"), charge, pi, 990, 495));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));

        assertThat(available(u)).isEqualTo(100);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}

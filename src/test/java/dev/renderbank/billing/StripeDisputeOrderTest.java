package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.dispute;
import static dev.renderbank.billing.StripeWebhookTest.refunded;
import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A dispute's events in any order and any number of times (pack-200: 200 credits for 990): a
 * dispute moves credits when it is first seen (open or closed) and once more only when an open
 * dispute closes; a lost one waits for its purchase rather than being recorded without its
 * clawback. What a closing did is written on the event for operators.
 */
class StripeDisputeOrderTest extends BillingIntegrationTest {

    @Test
    void aDisputeWonBeforeItsOpeningWasSeenTakesNothingAndItsLateOpeningChangesNothing() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));
        assertThat(available(u)).isEqualTo(200);
        assertThat(disputeStatus("stripe", dp)).isEqualTo("WON");
        String lateOpening = id("evt");
        stripe(dispute("charge.dispute.created", lateOpening, dp, charge, pi, "needs_response"));

        assertThat(eventStatus("stripe", lateOpening)).isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(200);
        assertThat(disputed("stripe", pi)).isFalse();
        assertThat(disputeStatus("stripe", dp)).isEqualTo("WON");
    }

    @Test
    void aClosedDisputeClosedAgainChangesNothing() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        assertThat(available(u)).isZero();
        String won = id("evt");
        // the closing names only the charge, which no purchase event named: the recorded dispute does
        stripe(dispute("charge.dispute.closed", won, dp, charge, "", "won"));
        assertThat(available(u)).isEqualTo(200);
        assertThat(note(won)).contains("won: 200 credits given back").doesNotContain("months");

        String again = id("evt");
        stripe(dispute("charge.dispute.closed", again, dp, charge, pi, "won")); // another event id
        String contradicting = id("evt");
        stripe(dispute("charge.dispute.closed", contradicting, dp, charge, pi, "lost"));

        assertThat(eventStatus("stripe", again)).isEqualTo("PROCESSED");
        assertThat(eventStatus("stripe", contradicting)).isEqualTo("PROCESSED");
        assertThat(available(u)).isEqualTo(200);
        assertThat(disputeStatus("stripe", dp)).isEqualTo("WON");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeWonAfterAFullRefundIsProcessedAndGivesNothingBack() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        stripe(refunded(id("evt"), charge, pi, 990, 990));
        String won = id("evt");
        stripe(dispute("charge.dispute.closed", won, dp, charge, pi, "won"));

        assertThat(eventStatus("stripe", won)).isEqualTo("PROCESSED"); // not retried for ever
        assertThat(note(won)).contains("won: 0 credits given back");
        assertThat(disputeStatus("stripe", dp)).isEqualTo("WON");
        assertThat(available(u)).isZero();
    }

    @Test
    void aLostClosingSaysWhatStaysTakenAndWhichMonthsItGrantedMeanwhile() throws Exception {
        YearlyPlan plan = yearlyPlan(true);
        UserAccount u = plan.user();
        String pi = plan.paymentIntent();
        String charge = plan.charge();

        String dp = id("dp");
        // a 30 % dispute: the plan is worth 4200 while it is open, the first month (500) stays
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response", 5970));
        clock.advance(Duration.ofDays(32)); // month 2 starts while the dispute is open: it waits
        awaitSweep();
        assertThat(available(u)).isEqualTo(500);
        String lost = id("evt");
        stripe(dispute("charge.dispute.closed", lost, dp, charge, pi, "lost", 5970));

        assertThat(available(u)).isEqualTo(1000);
        assertThat(note(lost))
                .contains("lost: 0 credits stay clawed back")
                .contains("500 credits of months that started meanwhile");
    }

    @Test
    void aDisputeLostBeforeItsPurchaseWasRecordedIsRetriedUntilItCanClawBack() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        String dp = id("dp");
        String lost = id("evt");
        stripe(dispute("charge.dispute.closed", lost, dp, charge, pi, "lost"));
        assertThat(eventStatus("stripe", lost)).isEqualTo("FAILED");
        // the operator's webhook list says why it waits
        assertThat(note(lost)).contains("lost dispute " + dp + " names no known purchase");

        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));
        // granted (the sweep may retry the waiting dispute at once after it, so the balance is not
        // looked at in between: it failed so once in CI, the clawback already done)
        assertThat(entries(u, "GRANT", 200)).isEqualTo(1);
        awaitRetried(lost);
        assertThat(entries(u, "CLAWBACK", 200)).isEqualTo(1);
        assertThat(available(u)).isZero();
        assertThat(disputeStatus("stripe", dp)).isEqualTo("LOST");

        String lateOpening = id("evt");
        stripe(dispute("charge.dispute.created", lateOpening, dp, charge, pi, "needs_response"));
        assertThat(eventStatus("stripe", lateOpening)).isEqualTo("PROCESSED");
        assertThat(disputeStatus("stripe", dp)).isEqualTo("LOST");
        assertThat(disputed("stripe", pi)).isFalse();
        assertThat(available(u)).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeOpenedBeforeItsPurchaseWasRecordedWaitsForItAndThenClawsBack() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        String dp = id("dp");
        String opened = id("evt");
        stripe(dispute("charge.dispute.created", opened, dp, charge, pi, "needs_response"));
        assertThat(eventStatus("stripe", opened)).isEqualTo("FAILED");
        assertThat(note(opened)).contains("dispute " + dp + " names no known purchase");

        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));
        awaitRetried(opened);
        assertThat(available(u)).isZero();
        assertThat(disputeStatus("stripe", dp)).isEqualTo("OPEN");
    }

    /** Lets the first retry of a failed event come due and waits until it is processed. */
    private void awaitRetried(String eventId) {
        clock.advance(Duration.ofSeconds(31));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(eventStatus("stripe", eventId)).isEqualTo("PROCESSED"));
    }

    /** The user's ledger entries of a kind and amount. */
    private long entries(UserAccount u, String kind, long amount) {
        return jdbc.sql("select count(*) from ledger_entry where user_id = :u and kind = :k and amount = :a")
                .param("u", u.id())
                .param("k", kind)
                .param("a", amount)
                .query(Long.class)
                .single();
    }

    /** What processing the event did, as the admin's webhook list shows it. */
    private String note(String eventId) {
        return jdbc.sql("select last_error from payment_event where provider = 'stripe' and event_id = :e")
                .param("e", eventId)
                .query(String.class)
                .single();
    }
}

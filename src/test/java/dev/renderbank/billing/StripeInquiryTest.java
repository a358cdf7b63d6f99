package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.dispute;
import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.BrowserSession;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Stripe inquiries (pack-200: 200 credits for 990), signed webhooks through the real endpoint. An
 * inquiry ({@code warning_needs_response}, {@code warning_under_review}) moves no funds: it takes
 * nothing and is recorded for operators. When it becomes a chargeback (a chargeback status on
 * {@code charge.dispute.updated} or {@code .created}, or {@code charge.dispute.funds_withdrawn}) the
 * share is taken exactly once, whatever order, copies or concurrency the events come in; a won
 * dispute gives back exactly what was taken.
 */
class StripeInquiryTest extends BillingIntegrationTest {

    private static final int ROUNDS = 12;

    @Autowired
    OperatorBilling operatorBilling;

    @Test
    void anInquiryTakesNothingIsShownToOperatorsAndClosesWithoutMovingCredits() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        String created = id("evt");
        stripe(dispute("charge.dispute.created", created, dp, charge, pi, "warning_needs_response"));
        assertThat(available(u)).isEqualTo(200);
        assertThat(disputeStatus("stripe", dp)).isEqualTo("INQUIRY");
        assertThat(disputed("stripe", pi)).as("an inquiry holds no plan months").isFalse();
        assertThat(note(created)).contains("inquiry " + dp).contains("no credits taken");
        assertThat(operatorBilling.purchases(u.id())).singleElement().satisfies(p -> {
            assertThat(p.inquiry()).isTrue();
            assertThat(p.disputed()).isFalse();
            assertThat(p.clawedBack()).isZero();
        });

        String admin = "ops-" + UUID.randomUUID() + "@example.com";
        users.create(admin, "correct horse battery staple", Role.ADMIN, true);
        var operator = BrowserSession.signIn(port, admin, "correct horse battery staple");
        assertThat(operator.get("/admin/users?q=" + u.id()).body()).contains("inquiry (nothing taken)");
        assertThat(operator.get("/admin/payments").body()).contains("inquiry (nothing taken)");

        stripe(dispute("charge.dispute.updated", id("evt"), dp, charge, pi, "warning_under_review"));
        assertThat(available(u)).isEqualTo(200);
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "warning_closed"));

        assertThat(available(u)).isEqualTo(200);
        assertThat(disputeStatus("stripe", dp)).isEqualTo("INQUIRY_CLOSED");
        assertThat(operatorBilling.purchases(u.id()))
                .singleElement()
                .satisfies(p -> assertThat(p.inquiry()).isFalse());
        assertThat(clawedBack(u)).isZero();
        assertThat(givenBack(u)).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * {@code prevented} (API 2025-08-27): Stripe's dispute prevention stopped it before it became a
     * chargeback: no funds were withdrawn, so nothing is taken and no plan month waits for it; money
     * that went back to the customer (a resolution's refund) comes as a refund, measured like any.
     */
    @Test
    void aPreventedDisputeTakesNothingAndHoldsNoMonths() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "prevented"));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "prevented"));

        assertThat(available(u)).isEqualTo(200);
        assertThat(disputeStatus("stripe", dp)).isNotEqualTo("OPEN").isNotEqualTo("LOST");
        assertThat(disputed("stripe", pi)).isFalse();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void anInquiryThatBecomesADisputeTakesTheShareOnceHoweverManyEventsSaySoAndAWinGivesExactlyThatBack()
            throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "warning_needs_response", 495));
        assertThat(available(u)).isEqualTo(200);

        String escalated = id("evt");
        stripe(dispute("charge.dispute.updated", escalated, dp, charge, pi, "needs_response", 495));
        assertThat(note(escalated)).contains("inquiry " + dp + " became a dispute");
        String withdrawn = dispute("charge.dispute.funds_withdrawn", id("evt"), dp, charge, pi, "needs_response", 495);
        stripe(withdrawn);
        stripe(withdrawn); // Stripe's retry of the same event
        stripe(dispute("charge.dispute.funds_withdrawn", id("evt"), dp, charge, pi, "needs_response", 495));
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "warning_needs_response", 495));
        stripe(dispute("charge.dispute.updated", id("evt"), dp, charge, pi, "under_review", 495));

        assertThat(available(u))
                .as("half the charge disputed: half the credits, once")
                .isEqualTo(100);
        assertThat(clawedBack(u)).isEqualTo(100);
        assertThat(disputeStatus("stripe", dp)).isEqualTo("OPEN");
        assertThat(disputed("stripe", pi)).isTrue();

        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won", 495));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won", 495));
        assertThat(available(u)).isEqualTo(200);
        assertThat(givenBack(u)).isEqualTo(clawedBack(u)).isEqualTo(100);
        assertThat(disputeStatus("stripe", dp)).isEqualTo("WON");
        assertThat(disputed("stripe", pi)).isFalse();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void fundsWithdrawnBeforeTheInquiryArrivesTakeTheShareAndTheLateInquiryChangesNothing() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.funds_withdrawn", id("evt"), dp, charge, pi, "needs_response"));
        assertThat(available(u)).isZero();
        String lateInquiry = id("evt");
        stripe(dispute("charge.dispute.created", lateInquiry, dp, charge, pi, "warning_needs_response"));
        assertThat(eventStatus("stripe", lateInquiry)).isEqualTo("PROCESSED");
        assertThat(disputeStatus("stripe", dp)).isEqualTo("OPEN");
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "lost"));

        assertThat(available(u)).isZero();
        assertThat(clawedBack(u)).isEqualTo(200);
        assertThat(disputeStatus("stripe", dp)).isEqualTo("LOST");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void anInquiryLostWithoutItsEscalationSeenTakesTheShareAtTheLossAndOnlyThen() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "warning_needs_response"));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "lost"));
        assertThat(available(u)).isZero();
        assertThat(disputeStatus("stripe", dp)).isEqualTo("LOST");
        // the escalation's events arrive late
        stripe(dispute("charge.dispute.funds_withdrawn", id("evt"), dp, charge, pi, "needs_response"));
        stripe(dispute("charge.dispute.updated", id("evt"), dp, charge, pi, "needs_response"));

        assertThat(clawedBack(u)).isEqualTo(200);
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void anInquiryWonWithoutItsEscalationSeenTakesNothingAndItsLateFundsWithdrawnTakeNothing() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "warning_under_review"));
        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));
        stripe(dispute("charge.dispute.funds_withdrawn", id("evt"), dp, charge, pi, "needs_response"));

        assertThat(available(u)).isEqualTo(200);
        assertThat(clawedBack(u)).isZero();
        assertThat(givenBack(u)).isZero();
        assertThat(disputeStatus("stripe", dp)).isEqualTo("WON");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void anInquiryAndItsFundsWithdrawnAtTheSameMomentTakeTheShareExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                UserAccount u = newUser();
                String pi = id("pi");
                String charge = id("ch");
                stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

                String dp = id("dp");
                deliverTogether(
                        pool,
                        dispute("charge.dispute.created", id("evt"), dp, charge, pi, "warning_needs_response"),
                        dispute("charge.dispute.funds_withdrawn", id("evt"), dp, charge, pi, "needs_response"));

                assertThat(available(u)).as("round %d", round).isZero();
                assertThat(clawedBack(u)).as("round %d", round).isEqualTo(200);
                assertThat(disputeStatus("stripe", dp)).as("round %d", round).isEqualTo("OPEN");
                assertThat(disputed("stripe", pi)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeCreatedAndWonAtTheSameMomentGivesBackExactlyWhatItTook() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                UserAccount u = newUser();
                String pi = id("pi");
                String charge = id("ch");
                stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

                String dp = id("dp");
                boolean inquiryFirst = round % 2 == 0;
                if (inquiryFirst) {
                    stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "warning_needs_response"));
                }
                deliverTogether(
                        pool,
                        dispute(
                                inquiryFirst ? "charge.dispute.updated" : "charge.dispute.created",
                                id("evt"),
                                dp,
                                charge,
                                pi,
                                "needs_response"),
                        dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));

                assertThat(available(u)).as("round %d", round).isEqualTo(200);
                assertThat(givenBack(u)).as("round %d", round).isEqualTo(clawedBack(u));
                assertThat(disputeStatus("stripe", dp)).as("round %d", round).isEqualTo("WON");
                assertThat(disputed("stripe", pi)).isFalse();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void anInquiryAnOlderReleaseRecordedOpenGivesItsShareBackWhenItClosesAndIsRecordedAsAClosedInquiry()
            throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));
        String dp = id("dp");
        // what the release before V2026_12_04_0101 did with an inquiry: recorded OPEN, its share taken
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        assertThat(disputeStatus("stripe", dp)).isEqualTo("OPEN");
        assertThat(available(u)).isZero();

        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "warning_closed"));

        assertThat(available(u)).isEqualTo(200);
        assertThat(givenBack(u)).isEqualTo(clawedBack(u));
        assertThat(disputeStatus("stripe", dp))
                .as("what Stripe reports for it, so reconciliation finds nothing to repair")
                .isEqualTo("INQUIRY_CLOSED");
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** Credits the ledger clawed back from the user. */
    private long clawedBack(UserAccount u) {
        return jdbc.sql(
                        "select coalesce(sum(abs(amount)), 0) from ledger_entry where user_id = :u and kind = 'CLAWBACK'")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    /** Credits granted back to the user by won disputes. */
    private long givenBack(UserAccount u) {
        return jdbc.sql("""
                        select coalesce(sum(abs(amount)), 0) from ledger_entry
                         where user_id = :u and kind = 'GRANT' and ref_key like 'stripe:dispute-won:%'""").param("u", u.id()).query(Long.class).single();
    }

    private String note(String eventId) {
        return jdbc.sql("select last_error from payment_event where provider = 'stripe' and event_id = :e")
                .param("e", eventId)
                .query(String.class)
                .single();
    }

    /** Delivers the two events at the same moment, one on each of the pool's threads; both are accepted. */
    private void deliverTogether(ExecutorService pool, String first, String second) throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        Future<Integer> a = pool.submit(() -> {
            together.await();
            return stripe(first).statusCode();
        });
        Future<Integer> b = pool.submit(() -> {
            together.await();
            return stripe(second).statusCode();
        });
        assertThat(a.get()).isEqualTo(200);
        assertThat(b.get()).isEqualTo(200);
    }
}

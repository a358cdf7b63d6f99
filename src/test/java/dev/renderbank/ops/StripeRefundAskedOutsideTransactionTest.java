package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.OpenedCheckouts;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A refund of a purchase renderbank recorded is measured by the charge's refunded total as Stripe's
 * API reports it. Stripe is asked before the event's transaction opens, on arrival and on an
 * operator's reprocess: while a slow Stripe answers, the event's row is not locked and no connection
 * sits idle in a transaction. Events of one charge processed at the same moment (copies of one
 * event, several refund events, a refund and a dispute) still take each share back once, and an
 * answer that a later one overtook never moves the purchase back. Signed webhooks; Stripe's API is a
 * local fake.
 */
class StripeRefundAskedOutsideTransactionTest extends ReconcileIntegrationTest {

    /** A pack bought through a Checkout Session renderbank opened, granted; its charge at Stripe. */
    private record Bought(UserAccount buyer, String charge, String paymentIntent) {

        String charge(long refunded) {
            return """
                    {"id":"%s","object":"charge","amount":990,"amount_refunded":%d,"refunded":%b,"currency":"usd",
                     "payment_intent":"%s","metadata":{}}""".formatted(charge, refunded, refunded == 990, paymentIntent);
        }

        String refund(String refundId, String status) {
            return """
                    {"id":"%s","object":"refund","amount":495,"currency":"usd","status":"%s","charge":"%s",
                     "payment_intent":"%s"}""".formatted(refundId, status, charge, paymentIntent);
        }

        String dispute(String disputeId, long amount) {
            return """
                    {"id":"%s","object":"dispute","amount":%d,"currency":"usd","status":"needs_response",
                     "charge":"%s","payment_intent":"%s"}""".formatted(disputeId, amount, charge, paymentIntent);
        }

        String chargePath() {
            return "/v1/charges/" + charge;
        }
    }

    private Bought bought() throws Exception {
        UserAccount buyer =
                users.create("asked-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String pi = newId("pi");
        String sessionId = OpenedCheckouts.stripe(jdbc, buyer.id(), "pack-200", newId("cs_test"), clock.instant());
        String session = """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
                 "amount_total":990,"currency":"usd","client_reference_id":"%d","created":%d,
                 "payment_intent":"%s","subscription":null,"metadata":{"userId":"%d","product":"pack-200"}}""".formatted(sessionId, buyer.id(), clock.instant().getEpochSecond(), pi, buyer.id());
        assertThat(stripeWebhook(newId("evt"), "checkout.session.completed", session)
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        return new Bought(buyer, newId("ch"), pi);
    }

    /**
     * A refund of a known purchase, Stripe taking 4 s to report the charge: for a second of that
     * nothing of the event is held; the event ends PROCESSED with the credits taken back.
     */
    @Test
    void whileStripeIsAskedForTheRefundedTotalNoTransactionIsHeldOpen() throws Exception {
        Bought b = bought();
        STRIPE.stubFor(get(urlPathEqualTo(b.chargePath()))
                .willReturn(json(b.charge(990)).withFixedDelay(4_000)));
        String eventId = newId("evt");
        CompletableFuture<Integer> sent = async(
                () -> stripeWebhook(eventId, "charge.refunded", b.charge(990)).statusCode());

        nothingHeldWhileStripeAnswers(b, eventId, 1);
        assertThat(sent.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(eventState(eventId)).startsWith("PROCESSED");
        assertThat(ledger.balance(b.buyer().id()).available()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * An operator's reprocess of a refund event that failed (Stripe did not know the charge yet):
     * Stripe is asked before the operator's audited transaction opens, so nothing is held while it
     * answers either; the reprocess takes the credits back once.
     */
    @Test
    void whileStripeIsAskedForAnOperatorsReprocessNoTransactionIsHeldOpen() throws Exception {
        Bought b = bought();
        STRIPE.stubFor(get(urlPathEqualTo(b.chargePath())).willReturn(notFound()));
        String eventId = newId("evt");
        assertThat(stripeWebhook(eventId, "charge.refunded", b.charge(990)).statusCode())
                .isEqualTo(200);
        assertThat(eventState(eventId)).startsWith("FAILED");

        STRIPE.stubFor(get(urlPathEqualTo(b.chargePath()))
                .willReturn(json(b.charge(990)).withFixedDelay(4_000)));
        AdminSupport.Admin admin = admins.newAdmin();
        long id = jdbc.sql("select id from payment_event where provider = 'stripe' and event_id = :e")
                .param("e", eventId)
                .query(Long.class)
                .single();
        CompletableFuture<Integer> reprocessed = async(() -> AdminSupport.call(
                        port,
                        "POST",
                        "/api/v1/admin/webhooks/" + id + "/reprocess",
                        admin.token(),
                        "{\"reason\":\"Stripe knows the charge now\"}",
                        key("reprocess"))
                .statusCode());

        nothingHeldWhileStripeAnswers(b, eventId, 2);
        assertThat(reprocessed.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(eventState(eventId)).startsWith("PROCESSED");
        assertThat(ledger.balance(b.buyer().id()).available()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Copies of a refund event, another refund event of the same charge and two copies of a dispute
     * of the other half, all delivered at the same moment: the refund's half and the dispute's half
     * are each taken back once, and nothing is given back.
     */
    @Test
    void refundEventsAndADisputeOfOneChargeDeliveredConcurrentlyTakeEachShareOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            Bought b = bought();
            STRIPE.stubFor(get(urlPathEqualTo(b.chargePath())).willReturn(json(b.charge(495))));
            String refunded = newId("evt");
            String refundUpdated = newId("evt");
            String disputed = newId("evt");
            String dp = newId("dp");
            String re = newId("re");
            var codes = Concurrently.run(
                    () -> stripeWebhook(refunded, "charge.refunded", b.charge(495))
                            .statusCode(),
                    () -> stripeWebhook(refunded, "charge.refunded", b.charge(495))
                            .statusCode(),
                    () -> stripeWebhook(refundUpdated, "charge.refund.updated", b.refund(re, "succeeded"))
                            .statusCode(),
                    () -> stripeWebhook(disputed, "charge.dispute.created", b.dispute(dp, 495))
                            .statusCode(),
                    () -> stripeWebhook(disputed, "charge.dispute.created", b.dispute(dp, 495))
                            .statusCode());
            assertThat(codes).containsOnly(200);
            awaitProcessed(refunded, refundUpdated, disputed);
            assertThat(ledger.balance(b.buyer().id()).available())
                    .as("round %d: half refunded, half disputed", round)
                    .isZero();
            assertThat(entries(b, "CLAWBACK"))
                    .as("round %d: one clawback each", round)
                    .isEqualTo(2);
            assertThat(entries(b, "GRANT"))
                    .as("round %d: nothing given back", round)
                    .isEqualTo(1);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Stripe's answer to one refund event is slow and reports the charge as it was (half refunded);
     * another refund event of the charge, asked after it, is answered at once with the whole charge
     * refunded and applied first. The slow, older answer is not applied over the newer one (the
     * purchase never goes back to half refunded, nothing is given back): it is asked again.
     */
    @Test
    void anOlderAnswerOvertakenByANewerOneNeverMovesThePurchaseBack() throws Exception {
        Bought b = bought();
        String slow = newId("evt");
        CompletableFuture<Integer> slowSent = slowAnswerThenAnother(b, slow, 990);

        String fast = newId("evt");
        assertThat(stripeWebhook(fast, "charge.refunded", b.charge(990)).statusCode())
                .isEqualTo(200);
        assertThat(slowSent.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        awaitProcessed(slow, fast);
        assertThat(ledger.balance(b.buyer().id()).available()).isZero();
        assertThat(entries(b, "GRANT")).as("nothing given back").isEqualTo(1);
        assertThat(jdbc.sql("select refunded_minor from billing_purchase where user_id = :u")
                        .param("u", b.buyer().id())
                        .query(Long.class)
                        .single())
                .isEqualTo(990);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A refund made and failed while the first event's answer (half refunded) is on its way: the
     * failure's event asks later, hears nothing refunded, which is what the purchase records, and
     * moves nothing. That fresher answer still makes the slower, older one outdated: it is asked
     * again and nothing is clawed back for a refund that failed (before, a fresher answer that moved
     * nothing left no trace, and the older one was applied over it).
     */
    @Test
    void aFresherAnswerThatMovesNothingStillStopsAnOlderOne() throws Exception {
        Bought b = bought();
        String slow = newId("evt");
        CompletableFuture<Integer> slowSent = slowAnswerThenAnother(b, slow, 0);

        String fast = newId("evt");
        assertThat(stripeWebhook(fast, "charge.refund.updated", b.refund(newId("re"), "failed"))
                        .statusCode())
                .isEqualTo(200);
        assertThat(slowSent.get(20, TimeUnit.SECONDS)).isEqualTo(200);
        awaitProcessed(slow, fast);
        assertThat(jdbc.sql("select refunded_minor from billing_purchase where user_id = :u")
                        .param("u", b.buyer().id())
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(entries(b, "CLAWBACK")).as("nothing clawed back").isZero();
        assertThat(ledger.balance(b.buyer().id()).available()).isEqualTo(200);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Sends {@code slowEvent}, a refund of half the charge, whose ask Stripe answers in 2 s with half
     * refunded; every later ask is answered at once with {@code laterTotal} refunded. Returns once
     * Stripe was asked, with the slow event's answer status to come.
     */
    private CompletableFuture<Integer> slowAnswerThenAnother(Bought b, String slowEvent, long laterTotal) {
        String scenario = "overtaken-" + b.charge();
        STRIPE.stubFor(get(urlPathEqualTo(b.chargePath()))
                .inScenario(scenario)
                .whenScenarioStateIs(STARTED)
                .willReturn(json(b.charge(495)).withFixedDelay(2_000))
                .willSetStateTo("later"));
        STRIPE.stubFor(get(urlPathEqualTo(b.chargePath()))
                .inScenario(scenario)
                .whenScenarioStateIs("later")
                .willReturn(json(b.charge(laterTotal))));
        CompletableFuture<Integer> sent = async(
                () -> stripeWebhook(slowEvent, "charge.refunded", b.charge(495)).statusCode());
        await().atMost(Duration.ofSeconds(5)).until(() -> chargeRequests(b) >= 1);
        return sent;
    }

    /**
     * Waits for Stripe to be asked about the charge for the {@code nth} time, then checks for a
     * second of its answer that the event's row is not locked and that no connection of the
     * application sits idle in an open transaction.
     */
    private void nothingHeldWhileStripeAnswers(Bought b, String eventId, int nth) {
        await().atMost(Duration.ofSeconds(3)).until(() -> chargeRequests(b) >= nth);
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofMillis(2_500))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    assertThat(jdbc.sql("select id from payment_event where provider = 'stripe'"
                                            + " and event_id = :e for update skip locked")
                                    .param("e", eventId)
                                    .query(Long.class)
                                    .list())
                            .as("the event's row is not locked while Stripe is asked")
                            .hasSize(1);
                    assertThat(jdbc.sql("""
                                    select count(*) from pg_stat_activity
                                     where datname = current_database() and pid <> pg_backend_pid()
                                       and state like 'idle in transaction%'
                                       and state_change < now() - interval '100 milliseconds'""").query(Long.class).single())
                            .as("no connection waits in an open transaction while Stripe is asked")
                            .isZero();
                });
    }

    private int chargeRequests(Bought b) {
        return STRIPE.findAll(getRequestedFor(urlPathEqualTo(b.chargePath()))).size();
    }

    private long entries(Bought b, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where user_id = :u and kind = :k")
                .param("u", b.buyer().id())
                .param("k", kind)
                .query(Long.class)
                .single();
    }

    private void awaitProcessed(String... eventIds) {
        // an attempt that had to wait is retried by the sweep: its retry comes due by the clock
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    clock.advance(Duration.ofSeconds(31));
                    for (String e : eventIds) {
                        assertThat(eventState(e)).as(e).startsWith("PROCESSED");
                    }
                });
    }

    private String eventState(String eventId) {
        return jdbc.sql("select status || ' ' || coalesce(last_error, '') from payment_event"
                        + " where provider = 'stripe' and event_id = :e")
                .param("e", eventId)
                .query(String.class)
                .single();
    }

    private static <T> CompletableFuture<T> async(Callable<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String newId(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }
}

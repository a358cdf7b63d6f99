package dev.renderbank.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.OpenedCheckouts;
import dev.renderbank.support.SignInForm;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The seed's first incident, found by a machine: a Stripe checkout paid at Stripe (a local fake of its
 * API) whose webhook never arrived; and refunds and disputes at Stripe our records do not reflect.
 */
class ReconcileStripeTest extends ReconcileIntegrationTest {

    /**
     * The Stripe account may be shared: a paid session another application opened is no payment
     * missing here (no finding), and replaying its webhook grants nothing, even when its metadata
     * names a real user and product.
     */
    @Test
    void aPaidSessionRenderbankNeverOpenedIsNoFindingAndItsWebhookGrantsNothing() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer =
                users.create("other-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String id = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
        String foreign = foreignSession(id, buyer.id(), "pack-200", 990);
        stubSessions(foreign);
        STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions/" + id)).willReturn(json(foreign)));

        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(report.path("findings").toString()).doesNotContain(id);
        assertThat(webhook("evt_" + id, foreign).statusCode()).isEqualTo(200);
        assertThat(jdbc.sql("select status from payment_event where provider = 'stripe' and event_id = :e")
                        .param("e", "evt_" + id)
                        .query(String.class)
                        .single())
                .isEqualTo("IGNORED");
        assertThat(ledger.balance(buyer.id()).available()).isZero();
    }

    @Test
    void aPaidCheckoutWithoutItsWebhookIsFoundRepairedOnceAndALateWebhookGrantsNothingMore() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        stubSessions();
        assertThat(cli("reconcile")).as("a clean system").isEqualTo(0);
        assertThat(latest(admin).path("clean").asBoolean()).isTrue();

        UserAccount buyer =
                users.create("buyer-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String first = session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-200", 990);
        String second =
                session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-500", 1990);
        stubSessions(first, second);
        long alertsBefore = alerts();

        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(report.path("clean").asBoolean()).isFalse();
        assertThat(report.path("findings")).hasSize(2);
        assertThat(report.path("findings").get(0).path("kind").asString()).isEqualTo("PAID_NOT_RECORDED");
        assertThat(report.path("findings").get(0).path("repairable").asBoolean())
                .isTrue();
        assertThat(alerts()).as("one operator alert per run, not per finding").isEqualTo(alertsBefore + 1);
        assertThat(audited(admin, "reconcile")).isEqualTo(1);
        assertThat(ledger.balance(buyer.id()).available())
                .as("nothing fixed silently")
                .isZero();
        assertThat(cli("reconcile")).as("findings: exit 1").isEqualTo(1);

        long findingId = findingFor(admin, JSON.readTree(first).path("id").asString());
        var noReason = AdminSupport.call(port, "POST", repairPath(findingId), admin.token(), "{}", key("k1"));
        assertThat(noReason.statusCode()).isEqualTo(400);
        var repaired = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"webhook lost\"}", key("k1"));
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        var again = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"webhook lost\"}", key("k2"));
        assertThat(JSON.readTree(again.body()).path("repeated").asBoolean()).isTrue();
        assertThat(ledger.balance(buyer.id()).available())
                .as("a repeat grants nothing")
                .isEqualTo(200);
        assertThat(audited(admin, "reconcile-repair")).isEqualTo(1);

        // the real webhook arrives late, with Stripe's own event id: it grants nothing more
        assertThat(webhook("evt_late_" + UUID.randomUUID(), first).statusCode()).isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        assertThat(purchases(buyer)).isEqualTo(1);

        long secondId = findingFor(admin, JSON.readTree(second).path("id").asString());
        AdminSupport.call(port, "POST", repairPath(secondId), admin.token(), "{\"reason\":\"webhook lost\"}", null);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200 + 500);

        JsonNode after =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(after.path("findings")).as(after.toString()).isEmpty();
        assertThat(cli("reconcile")).isEqualTo(0);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * An operator who sends one repair's Idempotency-Key with the repair of another finding is told the
     * key was used for another repair, and that other finding is left as it was: nothing granted, the
     * finding still open. The repair had the provider's object processed (the purchase granted) before
     * it claimed its key, so the grant stood without its audit record while the answer said "refused".
     */
    @Test
    void aRepairWithAKeyAlreadyUsedForAnotherFindingGrantsNothing() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer =
                users.create("reused-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String first = session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-200", 990);
        String second =
                session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-500", 1990);
        stubSessions(first, second);
        findings(admin);
        long firstId = findingFor(admin, JSON.readTree(first).path("id").asString());
        long secondId = findingFor(admin, JSON.readTree(second).path("id").asString());
        String body = "{\"reason\":\"webhook lost\"}";

        var repaired = AdminSupport.call(port, "POST", repairPath(firstId), admin.token(), body, key("one-key"));
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
        var reused = AdminSupport.call(port, "POST", repairPath(secondId), admin.token(), body, key("one-key"));
        assertThat(reused.statusCode()).as(reused.body()).isEqualTo(422);
        assertThat(reused.body()).contains("key-reused");
        assertThat(ledger.balance(buyer.id()).available())
                .as("the second purchase is not granted by a refused repair")
                .isEqualTo(200);
        assertThat(purchases(buyer)).isEqualTo(1);
        assertThat(jdbc.sql("select repaired_by is null from reconciliation_finding where id = :id")
                        .param("id", secondId)
                        .query(Boolean.class)
                        .single())
                .as("still open")
                .isTrue();

        var own = AdminSupport.call(port, "POST", repairPath(secondId), admin.token(), body, key("its-own-key"));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200 + 500);
        assertThat(audited(admin, "reconcile-repair")).isEqualTo(2);
        assertThat(findings(admin)).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * Two operators repair the same finding at the same moment (different keys): the purchase is
     * granted once, one repair is recorded, and the other answers that repair with {@code repeated:
     * true}, never a second audit record or a 500.
     */
    @Test
    void twoRepairsOfOneFindingAtOnceRecordOneRepairAndTheOtherAnswersItRepeated() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        AdminSupport.Admin other = admins.newAdmin();
        UserAccount buyer =
                users.create("twice-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String sessionId = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
        String paid = session(sessionId, buyer.id(), "pack-200", 990);
        stubSessions(paid);
        long findingId = onlyFinding(admin).path("id").asLong();
        // the provider answers slowly, so both repairs are past their "already repaired?" check at once
        STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions/" + sessionId))
                .willReturn(json(paid).withFixedDelay(700)));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CyclicBarrier start = new CyclicBarrier(2);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (AdminSupport.Admin a : List.of(admin, other)) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return AdminSupport.call(
                            port,
                            "POST",
                            repairPath(findingId),
                            a.token(),
                            "{\"reason\":\"webhook lost\"}",
                            key("race-" + a.email()));
                }));
            }
            List<JsonNode> bodies = new ArrayList<>();
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                bodies.add(JSON.readTree(r.body()));
            }
            assertThat(bodies).extracting(b -> b.path("repeated").asBoolean()).containsExactlyInAnyOrder(false, true);
            assertThat(bodies.get(0).path("id").asLong())
                    .as("both answer the one repair")
                    .isEqualTo(bodies.get(1).path("id").asLong());
        } finally {
            pool.shutdown();
        }
        assertThat(audited(admin, "reconcile-repair") + audited(other, "reconcile-repair"))
                .as("one audit record")
                .isEqualTo(1);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        assertThat(purchases(buyer)).isEqualTo(1);
        assertThat(findings(admin)).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * The repair of a paid checkout and its late webhook at the same moment, once with Stripe answering
     * the repair's fetch slowly (the webhook is processed while the repair waits for Stripe) and once
     * at once: the pack is granted once, one purchase is recorded, both are answered 200, the finding
     * is gone and the ledger's invariants hold.
     */
    @Test
    void aCheckoutRepairAndItsLateWebhookAtTheSameTimeGrantThePackOnce() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        for (int delay : new int[] {700, 0}) {
            UserAccount buyer = users.create(
                    "late-" + delay + "-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
            String sessionId = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
            String paid = session(sessionId, buyer.id(), "pack-200", 990);
            stubSessions(paid);
            long findingId = onlyFinding(admin).path("id").asLong();
            STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions/" + sessionId))
                    .willReturn(json(paid).withFixedDelay(delay)));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            CountDownLatch start = new CountDownLatch(1);
            try {
                Future<HttpResponse<String>> repair = pool.submit(() -> {
                    start.await();
                    return AdminSupport.call(
                            port,
                            "POST",
                            repairPath(findingId),
                            admin.token(),
                            "{\"reason\":\"checkout webhook lost\"}",
                            key("late-" + sessionId));
                });
                Future<Integer> late = pool.submit(() -> {
                    start.await();
                    return webhook("evt_race_" + UUID.randomUUID(), paid).statusCode();
                });
                start.countDown();
                assertThat(late.get()).as("delay " + delay).isEqualTo(200);
                HttpResponse<String> repaired = repair.get();
                assertThat(repaired.statusCode())
                        .as("delay " + delay + ": " + repaired.body())
                        .isEqualTo(200);
            } finally {
                pool.shutdown();
            }
            assertThat(ledger.balance(buyer.id()).available())
                    .as("delay " + delay)
                    .isEqualTo(200);
            assertThat(purchases(buyer)).as("delay " + delay).isEqualTo(1);
            assertThat(findings(admin)).as("delay " + delay).isEmpty();
            assertThat(ledger.checkInvariants().holds()).isTrue();
        }
    }

    @Test
    void aPaidRenewalInvoiceWithoutItsWebhookIsFoundAndRepairedAsItsInvoicePaidEventOnce() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer =
                users.create("renewer-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String sub = "sub_" + UUID.randomUUID().toString().replace("-", "");
        String renewal = invoice(
                "in_" + UUID.randomUUID().toString().replace("-", ""), sub, buyer.id(), "subscription_cycle", 1990);
        // a trial's free first period and a one-off invoice record no purchase at their webhooks either
        String trial = invoice(
                "in_" + UUID.randomUUID().toString().replace("-", ""), sub, buyer.id(), "subscription_create", 0);
        String oneOff = invoice("in_" + UUID.randomUUID().toString().replace("-", ""), null, buyer.id(), "manual", 500);
        stubStripe(java.util.List.of(), java.util.List.of(renewal, trial, oneOff));

        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        String renewalId = JSON.readTree(renewal).path("id").asString();
        assertThat(report.path("findings")).as(report.toString()).hasSize(1);
        JsonNode finding = report.path("findings").get(0);
        assertThat(finding.path("kind").asString()).isEqualTo("PAID_NOT_RECORDED");
        assertThat(finding.path("subject").asString()).isEqualTo("stripe:invoice:" + renewalId);
        assertThat(finding.path("repairable").asBoolean()).isTrue();
        assertThat(ledger.balance(buyer.id()).available())
                .as("nothing fixed silently")
                .isZero();

        long findingId = findingFor(admin, renewalId);
        var repaired = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"renewal webhook lost\"}", null);
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(500);

        // Stripe's own invoice.paid arrives late: the same period key, nothing more
        assertThat(webhook("evt_late_" + UUID.randomUUID(), "invoice.paid", renewal)
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(500);
        assertThat(purchases(buyer)).isEqualTo(1);
        JsonNode after =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(after.path("findings")).as(after.toString()).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A shared Stripe account: paid invoices of subscriptions renderbank never opened (another
     * application's, another deployment's, a payment link's at a catalogue price) are none of its
     * business, whatever user their metadata names: no finding, nothing to repair.
     */
    @Test
    void paidInvoicesOfSubscriptionsRenderbankNeverOpenedAreNoFinding() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount named =
                users.create("named-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String noCheckout = invoice(
                "in_" + UUID.randomUUID().toString().replace("-", ""),
                "sub_" + UUID.randomUUID().toString().replace("-", ""),
                "{\"userId\":\"%d\"}".formatted(named.id()),
                "subscription_cycle",
                1990);
        String otherDeployment = invoice(
                "in_" + UUID.randomUUID().toString().replace("-", ""),
                "sub_" + UUID.randomUUID().toString().replace("-", ""),
                "{\"userId\":\"%d\",\"checkoutId\":\"chk_elsewhere\"}".formatted(named.id()),
                "subscription_cycle",
                1990);
        stubStripe(java.util.List.of(), java.util.List.of(noCheckout, otherDeployment));

        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());

        assertThat(report.path("findings")).as(report.toString()).isEmpty();
        assertThat(ledger.balance(named.id()).available()).isZero();
    }

    @Test
    void aRefundAtStripeThatThePurchaseDoesNotReflectIsFoundWithItsEvidenceUntilItsWebhookIsProcessed()
            throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        Refunded r = refundedAtStripeOnly();
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo("REFUND_NOT_RECORDED");
        assertThat(finding.path("subject").asString()).isEqualTo("stripe:charge:" + r.chargeId());
        assertThat(finding.path("repairable").asBoolean()).isTrue();
        assertThat(finding.path("evidence").path("refundedAtProviderMinor").asLong())
                .isEqualTo(990);
        assertThat(finding.path("evidence").path("refundedHereMinor").asLong()).isZero();
        assertThat(ledger.balance(r.buyer().id()).available())
                .as("nothing fixed silently")
                .isEqualTo(200);

        assertThat(webhook("evt_" + UUID.randomUUID(), "charge.refunded", r.charge())
                        .statusCode())
                .isEqualTo(200);
        assertThat(ledger.balance(r.buyer().id()).available()).isZero();
        assertThat(findings(admin)).isEmpty();
    }

    /**
     * Stripe answers the repair's read of the charge with an error that is not "no such charge"
     * (rate limited, its own failure, a request it refuses): the repair answers the provider
     * unavailable and leaves the finding to repair again, never "Stripe reports no charge"; once
     * Stripe answers, the same finding is repaired.
     */
    @Test
    void aRepairWhileStripeAnswersAnErrorOtherThanNoSuchChargeIsProviderUnavailableNotNotPaid() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        Refunded r = refundedAtStripeOnly();
        long findingId = onlyFinding(admin).path("id").asLong();
        int n = 0;
        for (int status : new int[] {429, 500, 400}) {
            String type = status == 429 ? "rate_limit_error" : status == 500 ? "api_error" : "invalid_request_error";
            STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + r.chargeId()))
                    .willReturn(aResponse()
                            .withStatus(status)
                            .withHeader("Content-Type", "application/json")
                            .withHeader("Stripe-Should-Retry", "false")
                            .withBody("{\"error\":{\"type\":\"" + type + "\",\"message\":\"try later\"}}")));
            var answer = AdminSupport.call(
                    port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"lost\"}", key("e" + n++));
            assertThat(answer.statusCode()).as(status + ": " + answer.body()).isEqualTo(422);
            assertThat(JSON.readTree(answer.body()).path("type").asString())
                    .as(status + ": " + answer.body())
                    .endsWith("/provider-unavailable");
        }
        assertThat(ledger.balance(r.buyer().id()).available()).isEqualTo(200);

        STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + r.chargeId())).willReturn(json(r.charge())));
        var repaired = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"lost\"}", key("ok"));
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
        refundRecordedOnceAndClean(r, admin);
    }

    @Test
    void aMissingRefundIsRepairedWithOneClickAndClawedBackOnceAndNeitherARepeatNorItsLateWebhookTakesMore()
            throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        Refunded r = refundedAtStripeOnly();
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo("REFUND_NOT_RECORDED");
        assertThat(finding.path("repairable").asBoolean()).isTrue();
        long findingId = finding.path("id").asLong();

        var repaired = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"refund webhook lost\"}", key("r1"));
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
        assertThat(ledger.balance(r.buyer().id()).available()).isZero();
        assertThat(clawbacks(r.buyer())).isEqualTo(1);

        var again = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"refund webhook lost\"}", key("r2"));
        assertThat(JSON.readTree(again.body()).path("repeated").asBoolean()).isTrue();
        assertThat(webhook("evt_late_" + UUID.randomUUID(), "charge.refunded", r.charge())
                        .statusCode())
                .isEqualTo(200);
        assertThat(clawbacks(r.buyer()))
                .as("a repeat and the late webhook take nothing more")
                .isEqualTo(1);
        refundRecordedOnceAndClean(r, admin);
    }

    @Test
    void aRefundRepairAndItsLateWebhookAtTheSameTimeClawBackExactlyOnce() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        Refunded r = refundedAtStripeOnly();
        long findingId = onlyFinding(admin).path("id").asLong();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<Integer> repair = pool.submit(() -> {
                start.await();
                return AdminSupport.call(
                                port,
                                "POST",
                                repairPath(findingId),
                                admin.token(),
                                "{\"reason\":\"refund webhook lost\"}",
                                null)
                        .statusCode();
            });
            Future<Integer> late = pool.submit(() -> {
                start.await();
                return webhook("evt_race_" + UUID.randomUUID(), "charge.refunded", r.charge())
                        .statusCode();
            });
            start.countDown();
            assertThat(late.get()).isEqualTo(200);
            assertThat(repair.get()).isEqualTo(200);
        } finally {
            pool.shutdown();
        }
        assertThat(clawbacks(r.buyer())).isEqualTo(1);
        refundRecordedOnceAndClean(r, admin);
    }

    @Test
    void aDisputeLostAtStripeAndNotRecordedIsRepairedWithOneClickOnce() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer =
                users.create("lost-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String session =
                session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-200", 990);
        assertThat(webhook("evt_" + UUID.randomUUID(), session).statusCode()).isEqualTo(200);
        String disputeId = "dp_" + UUID.randomUUID().toString().replace("-", "");
        String lost =
                dispute(disputeId, "pi_" + JSON.readTree(session).path("id").asString(), "lost");
        stubStripe(java.util.List.of(session), java.util.List.of(), java.util.List.of(), java.util.List.of(lost));
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo("DISPUTE_NOT_RECORDED");
        assertThat(finding.path("repairable").asBoolean()).isTrue();

        repaired(admin, finding, "dispute webhooks lost");
        assertThat(ledger.balance(buyer.id()).available()).isZero();
        assertThat(webhook("evt_late_" + UUID.randomUUID(), "charge.dispute.closed", lost)
                        .statusCode())
                .isEqualTo(200);
        assertThat(clawbacks(buyer)).isEqualTo(1);
        assertThat(findings(admin)).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * The repair fetches the charge (half refunded at that moment), and the event it makes of it asks
     * Stripe again and applies the newer total (refunded in full meanwhile), as every refund event does.
     * The credits moved, so the repair is answered and audited as done, with what is recorded now; it
     * was answered 422 "not-processed" with no audit record, since the purchase no longer matched the
     * first answer.
     */
    @Test
    void aRefundThatGrowsWhileItsRepairRunsIsRepairedAndAudited() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        Refunded r = refundedAtStripeOnly();
        long findingId = onlyFinding(admin).path("id").asLong();
        String half = r.charge()
                .replace("\"amount_refunded\":990,\"refunded\":true", "\"amount_refunded\":495,\"refunded\":false");
        String scenario = "growing-" + r.chargeId();
        STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + r.chargeId()))
                .inScenario(scenario)
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willReturn(json(half))
                .willSetStateTo("refunded in full"));
        STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + r.chargeId()))
                .inScenario(scenario)
                .whenScenarioStateIs("refunded in full")
                .willReturn(json(r.charge())));

        var repaired = AdminSupport.call(
                port, "POST", repairPath(findingId), admin.token(), "{\"reason\":\"refund webhook lost\"}", key("g1"));
        assertThat(repaired.statusCode()).as(repaired.body()).isEqualTo(200);
        assertThat(JSON.readTree(JSON.readTree(repaired.body()).path("after").asString())
                        .path("refundedMinor")
                        .asLong())
                .as("what is recorded now")
                .isEqualTo(990);
        refundRecordedOnceAndClean(r, admin);
    }

    /** A buyer's pack, granted by its webhook, then fully refunded at Stripe with no webhook here. */
    private record Refunded(UserAccount buyer, String chargeId, String charge) {}

    /** One refund row, the buyer's credits taken back, no finding left, the ledger's invariants hold. */
    private void refundRecordedOnceAndClean(Refunded r, AdminSupport.Admin admin) throws Exception {
        assertThat(refunds(r.chargeId())).isEqualTo(1);
        assertThat(ledger.balance(r.buyer().id()).available()).isZero();
        assertThat(findings(admin)).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private Refunded refundedAtStripeOnly() throws Exception {
        UserAccount buyer =
                users.create("refund-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String session =
                session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-200", 990);
        assertThat(webhook("evt_" + UUID.randomUUID(), session).statusCode()).isEqualTo(200);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        String chargeId = "ch_" + UUID.randomUUID().toString().replace("-", "");
        String charge = """
                {"id":"%s","object":"charge","amount":990,"amount_refunded":990,"refunded":true,"currency":"usd",
                 "payment_intent":"pi_%s","created":%d}""".formatted(
                        chargeId,
                        JSON.readTree(session).path("id").asString(),
                        clock.instant().getEpochSecond());
        String refund = """
                {"id":"re_%s","object":"refund","status":"succeeded","amount":990,"currency":"usd","created":%d,
                 "charge":%s}""".formatted(chargeId, clock.instant().getEpochSecond(), charge);
        stubStripe(java.util.List.of(session), java.util.List.of(), java.util.List.of(refund), java.util.List.of());
        STRIPE.stubFor(get(urlPathEqualTo("/v1/charges/" + chargeId)).willReturn(json(charge)));
        return new Refunded(buyer, chargeId, charge);
    }

    private long clawbacks(UserAccount u) {
        return jdbc.sql("select count(*) from ledger_entry where user_id = :u and kind = 'CLAWBACK'")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    private long refunds(String chargeId) {
        return jdbc.sql("select count(*) from billing_refund where provider = 'stripe' and refund_id like :c")
                .param("c", chargeId + ":%")
                .query(Long.class)
                .single();
    }

    @Test
    void aDisputeAtStripeNotRecordedOrInAnotherStateHereIsFoundWithItsEvidence() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer =
                users.create("disputed-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String session =
                session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-200", 990);
        assertThat(webhook("evt_" + UUID.randomUUID(), session).statusCode()).isEqualTo(200);
        String disputeId = "dp_" + UUID.randomUUID().toString().replace("-", "");
        String pi = "pi_" + JSON.readTree(session).path("id").asString();

        String open = dispute(disputeId, pi, "needs_response");
        stubStripe(java.util.List.of(session), java.util.List.of(), java.util.List.of(), java.util.List.of(open));
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo("DISPUTE_NOT_RECORDED");
        assertThat(finding.path("subject").asString()).isEqualTo("stripe:dispute:" + disputeId);
        assertThat(finding.path("repairable").asBoolean()).isTrue();
        assertThat(finding.path("evidence").path("statusAtProvider").asString()).isEqualTo("OPEN");
        assertThat(finding.path("evidence").path("recordedHere").isNull()).isTrue();
        assertThat(ledger.balance(buyer.id()).available())
                .as("nothing fixed silently")
                .isEqualTo(200);

        assertThat(webhook("evt_" + UUID.randomUUID(), "charge.dispute.created", open)
                        .statusCode())
                .isEqualTo(200);
        assertThat(findings(admin)).as("recorded as open").isEmpty();

        String lost = dispute(disputeId, pi, "lost");
        stubStripe(java.util.List.of(session), java.util.List.of(), java.util.List.of(), java.util.List.of(lost));
        JsonNode differs = onlyFinding(admin);
        assertThat(differs.path("evidence").path("statusAtProvider").asString()).isEqualTo("LOST");
        assertThat(differs.path("evidence").path("recordedHere").asString()).isEqualTo("OPEN");
        assertThat(webhook("evt_" + UUID.randomUUID(), "charge.dispute.closed", lost)
                        .statusCode())
                .isEqualTo(200);
        assertThat(findings(admin)).isEmpty();
    }

    @Test
    void anInquiryAtStripeIsRecordedAsOneTakesNothingAndLeavesNoFindingOnceRecorded() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer =
                users.create("inquiry-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String session =
                session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-200", 990);
        assertThat(webhook("evt_" + UUID.randomUUID(), session).statusCode()).isEqualTo(200);
        String pi = "pi_" + JSON.readTree(session).path("id").asString();

        // recorded by its webhook: Stripe's inquiry and ours agree, no finding
        String recorded = "dp_" + UUID.randomUUID().toString().replace("-", "");
        String inquiry = dispute(recorded, pi, "warning_needs_response");
        assertThat(webhook("evt_" + UUID.randomUUID(), "charge.dispute.created", inquiry)
                        .statusCode())
                .isEqualTo(200);
        stubStripe(java.util.List.of(session), java.util.List.of(), java.util.List.of(), java.util.List.of(inquiry));
        assertThat(findings(admin)).as("an inquiry recorded as one").isEmpty();

        // closed without a chargeback at Stripe and here: still none
        String closed = dispute(recorded, pi, "warning_closed");
        assertThat(webhook("evt_" + UUID.randomUUID(), "charge.dispute.closed", closed)
                        .statusCode())
                .isEqualTo(200);
        stubStripe(java.util.List.of(session), java.util.List.of(), java.util.List.of(), java.util.List.of(closed));
        assertThat(findings(admin)).as("an inquiry closed here and at Stripe").isEmpty();

        // an inquiry whose webhook was lost: found as an inquiry, repaired as one, nothing taken
        String lostId = "dp_" + UUID.randomUUID().toString().replace("-", "");
        String lost = dispute(lostId, pi, "warning_under_review");
        stubStripe(
                java.util.List.of(session), java.util.List.of(), java.util.List.of(), java.util.List.of(closed, lost));
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("kind").asString()).isEqualTo("DISPUTE_NOT_RECORDED");
        assertThat(finding.path("evidence").path("statusAtProvider").asString()).isEqualTo("INQUIRY");
        repaired(admin, finding, "inquiry webhook lost");
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        assertThat(clawbacks(buyer)).isZero();
        assertThat(findings(admin)).isEmpty();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private String dispute(String id, String pi, String status) {
        return """
                {"id":"%s","object":"dispute","amount":990,"currency":"usd","status":"%s","charge":"ch_%s",
                 "payment_intent":"%s","created":%d}""".formatted(id, status, id, pi, clock.instant().getEpochSecond());
    }

    @Test
    void theCommandSaysHowItIsUsedAndAStripeApiThatFailsIsReportedNotSkippedSilently() throws Exception {
        assertThat(cli("reconcile", "everything")).isEqualTo(2);
        STRIPE.stubFor(get(urlPathEqualTo("/v1/checkout/sessions"))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\":{\"message\":\"down\"}}")));
        AdminSupport.Admin admin = admins.newAdmin();
        JsonNode report =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());
        assertThat(report.path("skipped").toString()).contains("stripe");
    }

    @Test
    void anOperatorRunsItFromThePageAndRepairsWithTheButton() throws Exception {
        dev.renderbank.support.Chromium.assumeInstalled();
        String adminEmail = "ops-page-" + UUID.randomUUID() + "@test.local";
        users.create(adminEmail, "correct horse battery staple", Role.ADMIN, true);
        UserAccount buyer =
                users.create("buyer-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String paid = session("cs_test_" + UUID.randomUUID().toString().replace("-", ""), buyer.id(), "pack-200", 990);
        stubSessions(paid);
        java.nio.file.Path shots = java.nio.file.Files.createDirectories(java.nio.file.Path.of("docs/screenshots"));
        try (var playwright = dev.renderbank.support.Chromium.playwright();
                var browser = dev.renderbank.support.Chromium.launch(playwright);
                var context = browser.newContext(
                        new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1200, 900))) {
            var page = context.newPage();
            page.navigate("http://localhost:" + port + "/admin/reconciliation");
            SignInForm.submit(page, adminEmail, "correct horse battery staple");
            page.navigate("http://localhost:" + port + "/admin/reconciliation");
            page.click("text=Run now");
            assertThat(page.locator("#findings").textContent()).contains("PAID_NOT_RECORDED");
            page.locator("#findings input[name=reason]").first().fill("webhook never arrived");
            page.screenshot(new com.microsoft.playwright.Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-reconciliation.png"))
                    .setFullPage(true));
            page.locator("#findings button").first().click();
            assertThat(page.locator("#flash").textContent()).contains("repaired");
            assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
            page.navigate("http://localhost:" + port + "/admin");
            assertThat(page.locator("#reconciliation-latest").textContent()).contains("1 finding(s)");
            assertThat(page.locator("details").count())
                    .as("only the summary card, not the findings")
                    .isZero();
            page.screenshot(new com.microsoft.playwright.Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-reconciliation-dashboard.png"))
                    .setFullPage(true));
        }
    }

    private JsonNode latest(AdminSupport.Admin admin) {
        return JSON.readTree(
                AdminSupport.call(port, "GET", "/api/v1/admin/reconciliations/latest", admin.token(), null, null)
                        .body());
    }

    private long findingFor(AdminSupport.Admin admin, String sessionId) {
        for (JsonNode f : latestWithFindings(admin)) {
            if (f.path("subject").asString().endsWith(sessionId)) {
                return f.path("id").asLong();
            }
        }
        throw new AssertionError("no finding for " + sessionId);
    }

    private JsonNode latestWithFindings(AdminSupport.Admin admin) {
        return JSON.readTree(jdbc.sql("""
                        select coalesce(json_agg(json_build_object('id', id, 'subject', subject)), '[]')::text
                          from reconciliation_finding where kind = 'PAID_NOT_RECORDED'""").query(String.class).single());
    }

    private long alerts() {
        return jdbc.sql("select count(*) from operator_alert where kind = 'reconciliation.findings'")
                .query(Long.class)
                .single();
    }

    private long audited(AdminSupport.Admin admin, String action) {
        return jdbc.sql("select count(*) from operator_action where actor = :a and action = :action")
                .param("a", admin.email())
                .param("action", action)
                .query(Long.class)
                .single();
    }

    /** A one-time Checkout Session as Stripe's API returns it, paid. */
    private String session(String id, long userId, String product, long amount) {
        OpenedCheckouts.stripe(jdbc, userId, product, id, clock.instant());
        return foreignSession(id, userId, product, amount);
    }

    /** A paid one-time Checkout Session renderbank never opened (another app on the account). */
    private String foreignSession(String id, long userId, String product, long amount) {
        return """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
                 "amount_total":%d,"currency":"usd","client_reference_id":"%d","created":%d,
                 "customer_details":{"email":"buyer@example.com"},"payment_intent":"pi_%s",
                 "metadata":{"userId":"%d","product":"%s"}}""".formatted(id, amount, userId, clock.instant().getEpochSecond(), id, userId, product);
    }

    private static void stubSessions(String... sessions) {
        stubStripe(java.util.List.of(sessions), java.util.List.of());
    }

    private static void stubStripe(java.util.List<String> sessions, java.util.List<String> invoices) {
        stubStripe(sessions, invoices, java.util.List.of(), java.util.List.of());
    }

    /**
     * A paid invoice as Stripe's API (2025+) returns it, of a subscription renderbank opened for {@code
     * userId} (its metadata names the checkout); {@code sub} null: not a subscription's.
     */
    private String invoice(String id, String sub, long userId, String reason, long amount) {
        String checkout = sub == null
                ? null
                : dev.renderbank.support.OpenedCheckouts.stripeSubscription(jdbc, userId, "pro-monthly", sub);
        return invoice(
                id, sub, "{\"userId\":\"%d\",\"checkoutId\":\"%s\"}".formatted(userId, checkout), reason, amount);
    }

    /** A paid invoice as Stripe's API (2025+) returns it, its subscription's metadata {@code metadata}. */
    private String invoice(String id, String sub, String metadata, String reason, long amount) {
        long now = clock.instant().getEpochSecond();
        long end =
                clock.instant().atZone(java.time.ZoneOffset.UTC).plusMonths(1).toEpochSecond();
        String parent = sub == null ? "null" : """
                {"type":"subscription_details","subscription_details":{"subscription":"%s","metadata":%s}}""".formatted(sub, metadata);
        return """
                {"id":"%s","object":"invoice","status":"paid","amount_paid":%d,"total":%d,"subtotal":%d,
                 "currency":"usd","billing_reason":"%s","created":%d,"customer_email":"nobody@example.com",
                 "period_start":%d,"period_end":%d,"parent":%s,
                 "lines":{"object":"list","data":[{"id":"il_%s","object":"line_item","amount":%d,
                   "parent":{"type":"subscription_item_details","subscription_item_details":{"subscription":"%s","proration":false}},
                   "pricing":{"type":"price_details","price_details":{"price":"price_local_pro-monthly","product":"prod_x"}},
                   "period":{"start":%d,"end":%d}}]}}""".formatted(id, amount, amount, amount, reason, now, now, end, parent, id, amount, sub, now, end);
    }

    private HttpResponse<String> webhook(String eventId, String session) throws Exception {
        return webhook(eventId, "checkout.session.completed", session);
    }

    private HttpResponse<String> webhook(String eventId, String type, String object) throws Exception {
        return stripeWebhook(eventId, type, object);
    }
}

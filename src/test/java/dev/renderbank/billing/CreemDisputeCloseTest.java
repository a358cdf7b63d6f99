package dev.renderbank.billing;

import static dev.renderbank.billing.CreemSubscriptionTest.paid;
import static dev.renderbank.billing.CreemWebhookTest.taxedDispute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Concurrently;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creem reports a dispute's opening ({@code dispute.created}) and nothing after, so an operator
 * closes it as won or lost ({@code POST /api/v1/admin/disputes/{id}/close}), and the closing does
 * what Stripe's {@code charge.dispute.closed} does: won gives back what the dispute took, lost keeps
 * it taken, and either grants a yearly plan's months that waited while it was open. Money moves
 * once however often, and however concurrently, it is closed; each closing is audited.
 */
class CreemDisputeCloseTest extends BillingIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.shared();

    @Test
    void aCreemDisputeWonByAnOperatorGivesBackWhatItTookAndGrantsTheMonthsThatWaited() throws Exception {
        Admin admin = newAdmin();
        CreemYear plan = creemYear();
        String disputeId = id("disp");
        creem(yearlyDispute(id("evt"), disputeId, plan.transaction(), 2408)); // all of what the year paid
        assertThat(available(plan.user())).as("the first month taken back").isZero();
        intoTheSecondMonth(plan);
        assertThat(available(plan.user()))
                .as("the second month waits while disputed")
                .isZero();

        String key = UUID.randomUUID().toString();
        HttpResponse<String> won = close(admin, disputeId, "won", key);

        assertThat(won.statusCode()).as(won.body()).isEqualTo(200);
        JsonNode record = JSON.readTree(won.body());
        assertThat(record.get("action").asString()).isEqualTo("dispute-close-won");
        assertThat(record.get("actor").asString()).isEqualTo(admin.email());
        assertThat(record.get("target").asString()).isEqualTo("dispute:" + disputeId);
        assertThat(record.get("reason").asString()).isEqualTo("Creem dashboard shows it won");
        assertThat(JSON.readTree(record.get("after").asString()).get("status").asString())
                .isEqualTo("WON");
        assertThat(disputeStatus("creem", disputeId)).isEqualTo("WON");
        assertThat(available(plan.user()))
                .as("the first month given back, the second granted")
                .isEqualTo(1000);

        HttpResponse<String> sameKey = close(admin, disputeId, "won", key);
        assertThat(sameKey.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(sameKey.body()).get("repeated").asBoolean()).isTrue();
        HttpResponse<String> again =
                close(newAdmin(), disputeId, "won", UUID.randomUUID().toString());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).get("after").asString()).contains("nothing changed");
        HttpResponse<String> lost = close(admin, disputeId, "lost", key);
        assertProblem(lost, 409, "dispute-closed");
        assertThat(available(plan.user())).as("closed once: given back once").isEqualTo(1000);
        assertThat(audited(disputeId))
                .as("the closing, and the second operator's that changed nothing")
                .isEqualTo(2);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aCreemDisputeLostByAnOperatorKeepsItsShareTakenAndGrantsTheMonthsThatWaited() throws Exception {
        Admin admin = newAdmin();
        CreemYear plan = creemYear();
        String disputeId = id("disp");
        creem(yearlyDispute(id("evt"), disputeId, plan.transaction(), 1204)); // half of what the year paid
        assertThat(available(plan.user()))
                .as("half the year is 3000, more than the month kept")
                .isEqualTo(500);
        intoTheSecondMonth(plan);
        assertThat(available(plan.user()))
                .as("the second month waits while disputed")
                .isEqualTo(500);

        HttpResponse<String> lost = close(admin, disputeId, "lost", null);

        assertThat(lost.statusCode()).as(lost.body()).isEqualTo(200);
        assertThat(disputeStatus("creem", disputeId)).isEqualTo("LOST");
        assertThat(disputed("creem", plan.transaction())).isFalse();
        assertThat(available(plan.user())).as("the second month granted").isEqualTo(1000);
        assertProblem(close(admin, disputeId, "won", null), 409, "dispute-closed");
        assertThat(available(plan.user())).isEqualTo(1000);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void closingIsRefusedForUnknownDisputesStripeDisputesBadInputAndNonAdmins() throws Exception {
        Admin admin = newAdmin();
        assertProblem(close(admin, id("disp"), "won", null), 404, "not-found");

        PackDispute pack = packDispute(990);
        HttpResponse<String> asUser = post(
                token(pack.user()),
                "/api/v1/admin/disputes/" + pack.dispute() + "/close",
                "{\"outcome\":\"won\",\"reason\":\"mine\"}",
                null);
        assertThat(asUser.statusCode()).isEqualTo(403);
        assertThat(asUser.headers().firstValue("Content-Type").orElse("")).contains("problem+json");
        assertProblem(close(admin, pack.dispute(), "maybe", null), 400, null);
        assertProblem(
                post(
                        admin.token(),
                        "/api/v1/admin/disputes/" + pack.dispute() + "/close",
                        "{\"outcome\":\"won\"}",
                        null),
                400,
                null);
        assertThat(disputeStatus("creem", pack.dispute())).isEqualTo("OPEN");

        YearlyPlan stripePlan = yearlyPlan(true);
        String stripeDispute = id("dp");
        stripe(StripeWebhookTest.dispute(
                "charge.dispute.created",
                id("evt"),
                stripeDispute,
                stripePlan.charge(),
                stripePlan.paymentIntent(),
                "needs_response",
                19900));
        assertProblem(close(admin, stripeDispute, "won", null), 422, "provider-closes-dispute");
        assertThat(disputeStatus("stripe", stripeDispute)).isEqualTo("OPEN");
        assertThat(available(pack.user())).isZero();
    }

    /**
     * Two operators closing one dispute at the same moment (both won, or won and lost) on two
     * threads, many times: the money moves once, for whichever closing came first, and the other
     * changes nothing (as asked: 200 saying so; the other outcome: 409).
     */
    @Test
    void twoClosingsAtTheSameMomentMoveTheMoneyOnce() throws Exception {
        Admin first = newAdmin();
        Admin second = newAdmin();
        for (int round = 0; round < 6; round++) {
            PackDispute same = packDispute(990);
            var codes = Concurrently.run(
                    () -> close(first, same.dispute(), "won", null).statusCode(),
                    () -> close(second, same.dispute(), "won", null).statusCode());
            assertThat(codes).containsOnly(200);
            assertThat(available(same.user()))
                    .as("round %d: won, given back once", round)
                    .isEqualTo(200);
            assertThat(wonGrants(same.dispute())).isEqualTo(1);

            PackDispute other = packDispute(990);
            var split = Concurrently.run(
                    () -> close(first, other.dispute(), "won", null).statusCode(),
                    () -> close(second, other.dispute(), "lost", null).statusCode());
            assertThat(split).containsExactlyInAnyOrder(200, 409);
            boolean wonFirst = split.get(0) == 200;
            assertThat(disputeStatus("creem", other.dispute())).isEqualTo(wonFirst ? "WON" : "LOST");
            assertThat(available(other.user()))
                    .as("round %d: as the closing that came first says", round)
                    .isEqualTo(wonFirst ? 200 : 0);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * An operator's "won" and a refund of the undisputed half of the same order at the same moment,
     * on two threads, many times: whichever is processed first, the user keeps the half the refund
     * leaves (the dispute's half given back, the refund's half taken), no more and no less.
     */
    @Test
    void aClosingAndARefundAtTheSameMomentLeaveExactlyWhatTheRefundLeaves() throws Exception {
        Admin admin = newAdmin();
        for (int round = 0; round < 8; round++) {
            PackDispute half = packDispute(495);
            assertThat(available(half.user())).isEqualTo(100);
            String refund = creemRefund(id("evt"), id("ref"), half.order(), 495);

            var codes = Concurrently.run(
                    () -> close(admin, half.dispute(), "won", null).statusCode(),
                    () -> creem(refund).statusCode());

            assertThat(codes).containsOnly(200);
            var b = ledger.balance(half.user().id());
            assertThat(b.available()).as("round %d", round).isEqualTo(100);
            assertThat(b.debt()).isZero();
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    record Admin(String email, String token) {}

    record CreemYear(UserAccount user, String subscription, String transaction, Instant start) {}

    record PackDispute(UserAccount user, String order, String dispute) {}

    private Admin newAdmin() {
        String email = "ops-" + UUID.randomUUID() + "@test.local";
        UserAccount a = users.create(email, "correct horse battery staple", Role.ADMIN, true);
        return new Admin(email, users.issueToken(a.id(), "test"));
    }

    /** A Creem pro-yearly plan paid now (2408 with tax): its first month (500) is granted. */
    private CreemYear creemYear() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        String txn = id("tran");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        creem(paid(id("evt"), sub, u.id(), "prod_local_pro-yearly", txn, start, end, start));
        assertThat(available(u)).isEqualTo(500);
        return new CreemYear(u, sub, txn, start);
    }

    /** A pack-200 bought at Creem for 990 and a dispute of {@code amount} of it, opened. */
    private PackDispute packDispute(long amount) throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        String dispute = id("disp");
        creem(taxedDispute(id("evt"), dispute, order, amount, 990));
        assertThat(disputeStatus("creem", dispute)).isEqualTo("OPEN");
        return new PackDispute(u, order, dispute);
    }

    private void intoTheSecondMonth(CreemYear plan) {
        Instant second = plan.start().atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        clock.advance(Duration.between(clock.instant(), second.plusSeconds(60)));
        awaitSweep();
    }

    /** A chargeback of {@code amount} of the yearly plan's transaction (it paid 2408, tax included). */
    static String yearlyDispute(String eventId, String disputeId, String transaction, long amount) {
        return """
                {"id":"%s","eventType":"dispute.created","created_at":1750941264812,
                 "object":{"id":"%s","object":"dispute","amount":%d,"currency":"USD",
                   "transaction":{"id":"%s","object":"transaction","amount":1990,"amount_paid":2408,
                      "tax_amount":418,"currency":"USD"}}}""".formatted(eventId, disputeId, amount, transaction);
    }

    private HttpResponse<String> close(Admin admin, String disputeId, String outcome, String key) throws Exception {
        return post(
                admin.token(),
                "/api/v1/admin/disputes/" + disputeId + "/close",
                "{\"outcome\":\"" + outcome + "\",\"reason\":\"Creem dashboard shows it " + outcome + "\"}",
                key);
    }

    private HttpResponse<String> post(String token, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(HttpResponse<String> r, int status, String type) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        if (type != null) {
            assertThat(JSON.readTree(r.body()).get("type").asString()).endsWith(type);
        }
    }

    private long audited(String disputeId) {
        return jdbc.sql("select count(*) from operator_action where target = :t and action in (:a)")
                .param("t", "dispute:" + disputeId)
                .param("a", List.of("dispute-close-won", "dispute-close-lost"))
                .query(Long.class)
                .single();
    }

    private long wonGrants(String disputeId) {
        return jdbc.sql("select count(*) from billing_purchase_grant where grant_key = :k")
                .param("k", "creem:dispute-won:" + disputeId)
                .query(Long.class)
                .single();
    }
}

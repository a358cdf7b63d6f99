package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.OpenedCheckouts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code disputes close <id> won|lost --reason --actor [--key]}: an operator closes a Creem dispute
 * from the command line (Creem never reports a dispute's end) through the same audited closing as
 * {@code /admin/payments} and {@code POST /api/v1/admin/disputes/{id}/close}: won gives back what
 * the dispute took, lost keeps it taken, money moves once however often or concurrently it is closed,
 * the other outcome afterwards is refused. Exit codes 0 done, 1 refused, 2 bad usage.
 */
class DisputeCloseCommandTest extends ReconcileIntegrationTest {

    private record Run(int code, String out) {}

    private Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = commands.execute(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    private record PackDispute(UserAccount buyer, String dispute) {}

    /** A pack-200 bought at Creem for 9.90 and all of it disputed: the 200 credits taken back. */
    private PackDispute packDispute() throws Exception {
        UserAccount buyer = users.create(
                "creem-dispute-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String order = id("ord");
        String checkout = """
                {"id":"%s","object":"checkout","status":"completed","request_id":"%s",
                 "product":{"id":"prod_local_pack-200"},
                 "order":{"id":"%s","amount":990,"amount_paid":990,"currency":"USD","status":"paid"},
                 "customer":{"email":"%s"},"metadata":{"userId":"%d","product":"pack-200"}}""".formatted(id("ch"), id("req"), order, buyer.email(), buyer.id());
        assertThat(creemWebhook(id("evt"), "checkout.completed", checkout).statusCode())
                .isEqualTo(200);
        assertThat(available(buyer)).isEqualTo(200);
        String dispute = id("disp");
        String opened = """
                {"id":"%s","object":"dispute","amount":990,"currency":"USD",
                 "transaction":{"id":"tran_%s","object":"transaction","amount":990,"amount_paid":990,"order":"%s"},
                 "order":{"id":"%s","amount":990,"currency":"USD"}}""".formatted(dispute, order, order, order);
        assertThat(creemWebhook(id("evt"), "dispute.created", opened).statusCode())
                .isEqualTo(200);
        assertThat(status("creem", dispute)).isEqualTo("OPEN");
        assertThat(available(buyer)).isZero();
        return new PackDispute(buyer, dispute);
    }

    @Test
    void closingAsWonGivesBackOnceAndIsAuditedARepeatChangesNothingAndLostAfterwardsIsRefused() throws Exception {
        PackDispute d = packDispute();

        Run won = run(
                "disputes",
                "close",
                d.dispute(),
                "won",
                "--reason",
                "Creem dashboard shows it won",
                "--actor",
                "alice");

        assertThat(won.code()).as(won.out()).isZero();
        assertThat(won.out())
                .startsWith("done: disputes close " + d.dispute() + " won")
                .contains("WON");
        assertThat(status("creem", d.dispute())).isEqualTo("WON");
        assertThat(available(d.buyer())).as("what the dispute took, given back").isEqualTo(200);
        assertThat(jdbc.sql("""
                        select actor || '|' || action || '|' || reason from operator_action
                         where target = :t""")
                        .param("t", "dispute:" + d.dispute())
                        .query(String.class)
                        .list())
                .containsExactly("alice|dispute-close-won|Creem dashboard shows it won");

        Run again = run(
                "disputes",
                "close",
                d.dispute(),
                "won",
                "--reason",
                "Creem dashboard shows it won",
                "--actor",
                "alice");
        assertThat(again.code()).as(again.out()).isZero();
        assertThat(again.out()).startsWith("already done:");
        Run otherKey = run(
                "disputes",
                "close",
                d.dispute(),
                "won",
                "--reason",
                "checked again",
                "--actor",
                "bob",
                "--key",
                "bob-1");
        assertThat(otherKey.code()).as(otherKey.out()).isZero();
        assertThat(otherKey.out()).contains("nothing changed");
        Run lost = run("disputes", "close", d.dispute(), "lost", "--reason", "misread", "--actor", "alice");
        assertThat(lost.code()).as(lost.out()).isEqualTo(1);
        assertThat(lost.out()).startsWith("refused:").contains("is WON already");

        assertThat(available(d.buyer())).as("given back once").isEqualTo(200);
        assertThat(status("creem", d.dispute())).isEqualTo("WON");
        assertThat(audited(d.dispute()))
                .as("the closing and bob's that changed nothing")
                .isEqualTo(2);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void closingAsLostKeepsTheShareTaken() throws Exception {
        PackDispute d = packDispute();

        Run lost = run("disputes", "close", d.dispute(), "LOST", "--reason=Creem says lost", "--actor=alice");

        assertThat(lost.code()).as(lost.out()).isZero();
        assertThat(status("creem", d.dispute())).isEqualTo("LOST");
        assertThat(available(d.buyer())).isZero();
        assertThat(run("disputes", "close", d.dispute(), "won", "--reason", "x", "--actor", "alice")
                        .code())
                .isEqualTo(1);
        assertThat(available(d.buyer())).isZero();
    }

    @Test
    void badUsageUnknownDisputesAndStripeDisputesAreRefusedAndChangeNothing() throws Exception {
        PackDispute d = packDispute();
        String id = d.dispute();

        for (String[] usage : List.of(
                new String[] {"disputes", "close", id, "won", "--actor", "alice"},
                new String[] {"disputes", "close", id, "won", "--reason", "r"},
                new String[] {"disputes", "close", id, "maybe", "--reason", "r", "--actor", "alice"},
                new String[] {"disputes", "close", id, "--reason", "r", "--actor", "alice"},
                new String[] {"disputes", "close", id, "won", "extra", "--reason", "r", "--actor", "alice"},
                new String[] {"disputes", "close", id, "won", "--reason", " ", "--actor", "alice"},
                new String[] {"disputes", "close", id, "won", "--reason", "r\u0000", "--actor", "alice"})) {
            Run r = run(usage);
            assertThat(r.code()).as(String.join(" ", usage) + "\n" + r.out()).isEqualTo(2);
            assertThat(r.out()).startsWith("error: ").contains("disputes close");
        }
        Run maybe = run("disputes", "close", id, "maybe", "--reason", "r", "--actor", "alice");
        assertThat(maybe.out()).contains("won or lost");
        assertThat(status("creem", id)).isEqualTo("OPEN");
        assertThat(audited(id)).isZero();

        Run unknown = run("disputes", "close", id("disp"), "won", "--reason", "r", "--actor", "alice");
        assertThat(unknown.code()).as(unknown.out()).isEqualTo(1);
        assertThat(unknown.out()).contains("No dispute");

        String stripeDispute = stripeDispute();
        Run stripe = run("disputes", "close", stripeDispute, "won", "--reason", "r", "--actor", "alice");
        assertThat(stripe.code()).as(stripe.out()).isEqualTo(1);
        assertThat(stripe.out()).contains("Only Creem disputes are closed here");
        assertThat(status("stripe", stripeDispute)).isEqualTo("OPEN");
        assertThat(status("creem", id)).isEqualTo("OPEN");
        assertThat(available(d.buyer())).isZero();
    }

    /**
     * The command and the API closing one dispute at the same moment, with the other outcome, many
     * times: the money moves once, as the first closing says, and the other is refused (exit 1, 409).
     */
    @Test
    void theCommandAndTheApiClosingAtTheSameMomentMoveTheMoneyOnce() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        for (int round = 0; round < 4; round++) {
            PackDispute d = packDispute();
            List<Integer> codes = Concurrently.run(
                    () -> run("disputes", "close", d.dispute(), "won", "--reason", "cli", "--actor", "alice")
                            .code(),
                    () -> AdminSupport.call(
                                    port,
                                    "POST",
                                    "/api/v1/admin/disputes/" + d.dispute() + "/close",
                                    admin.token(),
                                    "{\"outcome\":\"lost\",\"reason\":\"api\"}",
                                    null)
                            .statusCode());
            boolean cliFirst = codes.get(0) == 0;
            assertThat(codes).as("round %d", round).isIn(List.of(0, 409), List.of(1, 200));
            assertThat(status("creem", d.dispute())).isEqualTo(cliFirst ? "WON" : "LOST");
            assertThat(available(d.buyer())).as("round %d", round).isEqualTo(cliFirst ? 200 : 0);
            assertThat(audited(d.dispute())).isEqualTo(1);
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** A Stripe pack bought and disputed (open): Stripe reports its end, so it is not closed by hand. */
    private String stripeDispute() throws Exception {
        UserAccount buyer = users.create(
                "stripe-dispute-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String n = UUID.randomUUID().toString().replace("-", "");
        String session = OpenedCheckouts.stripe(jdbc, buyer.id(), "pack-200", "cs_test_" + n, clock.instant());
        assertThat(stripeWebhook(id("evt"), "checkout.session.completed", """
                        {"id":"%s","object":"checkout.session","mode":"payment","status":"complete",
                         "payment_status":"paid","amount_total":990,"currency":"usd","payment_intent":"pi_%s",
                         "metadata":{}}""".formatted(session, n))
                        .statusCode())
                .isEqualTo(200);
        String dispute = "dp_" + n;
        assertThat(stripeWebhook(id("evt"), "charge.dispute.created", """
                        {"id":"%s","object":"dispute","amount":990,"currency":"usd","status":"needs_response",
                         "charge":"ch_%s","payment_intent":"pi_%s"}""".formatted(dispute, n, n))
                        .statusCode())
                .isEqualTo(200);
        assertThat(status("stripe", dispute)).isEqualTo("OPEN");
        return dispute;
    }

    private long available(UserAccount u) {
        return ledger.balance(u.id()).available();
    }

    private String status(String provider, String disputeId) {
        return jdbc.sql("select status from billing_dispute where provider = :p and dispute_id = :d")
                .param("p", provider)
                .param("d", disputeId)
                .query(String.class)
                .single();
    }

    private long audited(String disputeId) {
        return jdbc.sql("select count(*) from operator_action where target = :t and action in (:a)")
                .param("t", "dispute:" + disputeId)
                .param("a", List.of("dispute-close-won", "dispute-close-lost"))
                .query(Long.class)
                .single();
    }

    private static String id(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    }
}

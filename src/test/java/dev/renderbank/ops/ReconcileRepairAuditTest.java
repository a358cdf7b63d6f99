package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.OpenedCheckouts;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A reconciliation repair moves credits only with its audit record: the provider's object is processed
 * in the record's transaction. When the record cannot be written, nothing is granted (and nothing is
 * stored for the retry sweep to grant later); the repair can be made again, once.
 */
class ReconcileRepairAuditTest extends ReconcileIntegrationTest {

    @Autowired
    ReconcileRepairs repairs;

    @Test
    void aRepairWhoseAuditRecordCannotBeWrittenGrantsNothing() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer =
                users.create("audit-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String sessionId = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
        OpenedCheckouts.stripe(jdbc, buyer.id(), "pack-200", sessionId, clock.instant());
        String session = """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
                 "amount_total":990,"currency":"usd","client_reference_id":"%d","created":%d,
                 "customer_details":{"email":"buyer@example.com"},"payment_intent":"pi_%s",
                 "metadata":{"userId":"%d","product":"pack-200"}}""".formatted(sessionId, buyer.id(), clock.instant().getEpochSecond(), sessionId, buyer.id());
        stubStripe(List.of(session), List.of(), List.of(), List.of());
        long findingId = onlyFinding(admin).path("id").asLong();

        jdbc.sql("""
                        create or replace function test_repair_audit_fails() returns trigger language plpgsql as $$
                        begin
                            if new.action = 'reconcile-repair' then
                                raise exception 'the audit record cannot be written (test)';
                            end if;
                            return new;
                        end $$""").update();
        jdbc.sql("""
                        create trigger test_repair_audit_fails before update on operator_action
                        for each row execute function test_repair_audit_fails()""").update();
        try {
            assertThatThrownBy(() -> repairs.repair(admin.email(), findingId, "webhook lost", key("r1")))
                    .hasStackTraceContaining("the audit record cannot be written");
        } finally {
            jdbc.sql("drop trigger test_repair_audit_fails on operator_action").update();
            jdbc.sql("drop function test_repair_audit_fails()").update();
        }
        assertThat(ledger.balance(buyer.id()).available())
                .as("no credits without the audit record")
                .isZero();
        assertThat(purchases(buyer)).isZero();
        assertThat(jdbc.sql("select count(*) from payment_event where payload like :s")
                        .param("s", "%" + sessionId + "%")
                        .query(Long.class)
                        .single())
                .as("nothing stored for the retry sweep to grant later")
                .isZero();
        assertThat(jdbc.sql("select count(*) from operator_action where action = 'reconcile-repair' and target = :t")
                        .param("t", "finding:" + findingId)
                        .query(Long.class)
                        .single())
                .isZero();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .until(() -> ledger.balance(buyer.id()).available() == 0);

        ActionResult repaired = repairs.repair(admin.email(), findingId, "webhook lost", key("r2"));
        assertThat(repaired).isInstanceOf(ActionResult.Done.class);
        assertThat(((ActionResult.Done) repaired).repeated()).isFalse();
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        assertThat(purchases(buyer)).isEqualTo(1);
        assertThat(cli("reconcile")).as("left clean").isEqualTo(0);
    }

    /**
     * A repair whose processing records nothing (a renewal at a Stripe price no plan names, of a
     * subscription whose first period is not recorded: its processing ignores it, naming the price) is
     * refused with what the processing noted and leaves nothing behind: no event stored, no audit
     * record, the finding open for a repair once the price is mapped.
     */
    @Test
    void aRepairWhoseProcessingFailsIsRefusedWithTheErrorAndStoresNothing() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount buyer =
                users.create("unmapped-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String n = UUID.randomUUID().toString().replace("-", "");
        String sub = "sub_" + n;
        String price = "price_unconfigured_" + n;
        String checkout = OpenedCheckouts.stripeSubscription(jdbc, buyer.id(), "pro-monthly", sub);
        long now = clock.instant().getEpochSecond();
        long end =
                clock.instant().atZone(java.time.ZoneOffset.UTC).plusMonths(1).toEpochSecond();
        String invoiceId = "in_" + n;
        String invoice = """
                {"id":"%1$s","object":"invoice","status":"paid","amount_paid":1990,"total":1990,"subtotal":1990,
                 "currency":"usd","billing_reason":"subscription_cycle","created":%2$d,"customer_email":"nobody@example.com",
                 "period_start":%2$d,"period_end":%3$d,
                 "parent":{"type":"subscription_details","subscription_details":{"subscription":"%4$s",
                   "metadata":{"userId":"%5$d","checkoutId":"%6$s"}}},
                 "lines":{"object":"list","data":[{"id":"il_%1$s","object":"line_item","amount":1990,
                   "parent":{"type":"subscription_item_details","subscription_item_details":{"subscription":"%4$s","proration":false}},
                   "pricing":{"type":"price_details","price_details":{"price":"%7$s","product":"prod_x"}},
                   "period":{"start":%2$d,"end":%3$d}}]}}""".formatted(invoiceId, now, end, sub, buyer.id(), checkout, price);
        stubStripe(List.of(), List.of(invoice), List.of(), List.of());
        JsonNode finding = onlyFinding(admin);
        assertThat(finding.path("subject").asString()).isEqualTo("stripe:invoice:" + invoiceId);

        var refused = AdminSupport.call(
                port,
                "POST",
                repairPath(finding.path("id").asLong()),
                admin.token(),
                "{\"reason\":\"renewal webhook lost\"}",
                key("u1"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("not-processed", price, "nothing was recorded");
        assertThat(ledger.balance(buyer.id()).available()).isZero();
        assertThat(jdbc.sql("select count(*) from payment_event where payload like :s")
                        .param("s", "%" + invoiceId + "%")
                        .query(Long.class)
                        .single())
                .as("nothing stored")
                .isZero();
        assertThat(jdbc.sql("select count(*) from operator_action where action = 'reconcile-repair' and target = :t")
                        .param("t", "finding:" + finding.path("id").asLong())
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(findings(admin).toString()).as("the finding stays open").contains(invoiceId);
    }
}

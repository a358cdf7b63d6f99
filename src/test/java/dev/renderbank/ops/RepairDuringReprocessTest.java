package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.OpenedCheckouts;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A purchase whose webhook failed until it was parked shows twice to operators: its stored event on
 * /admin/payments ("Reprocess") and a PAID_NOT_RECORDED finding on /admin/reconciliation ("Repair").
 * Two operators pressing both at once must both get an answer, and the purchase recorded once.
 */
class RepairDuringReprocessTest extends ReconcileIntegrationTest {

    @Autowired
    ReconcileRepairs repairs;

    @Autowired
    PaymentActions payments;

    /**
     * The reprocess holds the parked event's row (it locks it before its handler runs); the repair's
     * handler records the purchase and wakes the parked events naming it, the reprocess's among them,
     * so it waits for that row while holding the purchase; the reprocess's handler then waits for the
     * purchase. PostgreSQL aborted one of them ("deadlock detected"): the reprocess recorded that
     * error on the event, or the repair was refused, though the other went through.
     */
    @Test
    void aRepairAndAReprocessOfTheSamePurchaseAtOnceBothAnswerAndRecordItOnce() throws Exception {
        AdminSupport.Admin repairer = admins.newAdmin();
        AdminSupport.Admin reprocessor = admins.newAdmin();
        UserAccount buyer =
                users.create("both-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        String n = UUID.randomUUID().toString().replace("-", "");
        String sessionId = "cs_test_" + n;
        OpenedCheckouts.stripe(jdbc, buyer.id(), "pack-200", sessionId, clock.instant());
        String session = """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
                 "amount_total":990,"currency":"usd","client_reference_id":"%d","created":%d,
                 "customer_details":{"email":"buyer@example.com"},"payment_intent":"pi_%s",
                 "metadata":{"userId":"%d","product":"pack-200"}}""".formatted(sessionId, buyer.id(), clock.instant().getEpochSecond(), n, buyer.id());
        stubStripe(List.of(session), List.of(), List.of(), List.of());
        long parked = parkedWebhook("evt_" + n, session);
        long findingId = onlyFinding(repairer).path("id").asLong();

        CallPause.arm("reprocessPaymentEvent");
        CompletableFuture<ActionResult> reprocess = CompletableFuture.supplyAsync(
                () -> payments.reprocess(reprocessor.email(), parked, "webhook failed; fixed", key("p")));
        CompletableFuture<ActionResult> repair;
        try {
            assertThat(CallPause.reached(Duration.ofSeconds(30)))
                    .as("the reprocess holds its event")
                    .isTrue();
            repair = CompletableFuture.supplyAsync(
                    () -> repairs.repair(repairer.email(), findingId, "webhook lost", key("r")));
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> repair.isDone() || waitingForALock());
        } finally {
            CallPause.release();
        }
        ActionResult reprocessed = reprocess.get(60, TimeUnit.SECONDS);
        ActionResult repaired = repair.get(60, TimeUnit.SECONDS);

        assertThat(repaired).as("the repair").isInstanceOf(ActionResult.Done.class);
        assertThat(reprocessed).as("the reprocess").isInstanceOf(ActionResult.Done.class);
        StoredEvent event = stored("stripe", "evt_" + n);
        assertThat(event.status())
                .as("the webhook's event is finished: " + event.lastError())
                .isIn("PROCESSED", "IGNORED");
        assertThat(String.valueOf(event.lastError())).doesNotContain("deadlock");
        assertThat(purchases(buyer)).isEqualTo(1);
        assertThat(ledger.balance(buyer.id()).available()).isEqualTo(200);
        assertThat(cli("reconcile")).as("left clean").isEqualTo(0);
    }

    /** A checkout.session.completed webhook stored, failed seven times and parked (no attempt due). */
    private long parkedWebhook(String eventId, String session) {
        String payload = "{\"id\":\"%s\",\"object\":\"event\",\"type\":\"checkout.session.completed\",\"created\":%d,"
                        .formatted(eventId, clock.instant().getEpochSecond())
                + "\"data\":{\"object\":" + session + "}}";
        return jdbc.sql("""
                        insert into payment_event (provider, event_id, event_type, payload, status, attempts, last_error,
                                                   next_attempt_at, received_at)
                        values ('stripe', :e, 'checkout.session.completed', :payload, 'FAILED', 7,
                                'planted: failed seven times', null, :at) returning id""")
                .param("e", eventId)
                .param("payload", payload)
                .param("at", Timestamp.from(clock.instant().minus(Duration.ofHours(9))))
                .query(Long.class)
                .single();
    }

    /** Whether a transaction of this database waits for a lock another one holds. */
    private boolean waitingForALock() {
        return jdbc.sql("""
                        select count(*) from pg_stat_activity
                         where datname = current_database() and wait_event_type = 'Lock'""").query(Long.class).single() > 0;
    }
}

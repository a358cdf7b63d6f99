package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Acknowledgements racing each other and a run: two operators acknowledging one difference (each from
 * another run's finding of it) at the same moment both get an answer, one acknowledgement between
 * them; and a run that started before an acknowledgement stores that difference acknowledged when the
 * acknowledgement committed before the run stored its findings. Committed data (threads), so each test
 * removes what it planted.
 */
class ReconcileAcknowledgeRaceTest extends ReconcileIntegrationTest {

    /** Rounds of the two acknowledgements at once: the old code deadlocked in some of them. */
    private static final int ROUNDS = 40;

    @Autowired
    FindingAcknowledgements acknowledgements;

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    TestUsers testUsers;

    @Autowired
    MeterRegistry meters;

    /**
     * Run A and run B both found the difference; operator 1 acknowledges A's finding while operator 2
     * acknowledges B's. Each locked its own finding and then wanted the other's (every run's finding
     * of the difference is marked): PostgreSQL aborted one with "deadlock detected", a 500. Both must
     * answer the one acknowledgement: the first records it, the second repeats it.
     */
    @Test
    void twoOperatorsAcknowledgingOneDifferenceFromTwoRunsAtOnceBothGetTheOneAcknowledgement() throws Exception {
        AdminSupport.Admin one = admins.newAdmin();
        AdminSupport.Admin two = admins.newAdmin();
        String planted = "job:ack-race-" + UUID.randomUUID() + "-";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String subject = planted + round;
                long a = plantFinding(subject, round);
                long b = plantFinding(subject, round);
                CyclicBarrier together = new CyclicBarrier(2);
                String keyOne = key("one-" + round);
                String keyTwo = key("two-" + round);
                CompletableFuture<ActionResult> first =
                        CompletableFuture.supplyAsync(() -> acknowledgeAt(together, one.email(), a, keyOne), pool);
                CompletableFuture<ActionResult> second =
                        CompletableFuture.supplyAsync(() -> acknowledgeAt(together, two.email(), b, keyTwo), pool);
                ActionResult r1 = first.get(60, TimeUnit.SECONDS);
                ActionResult r2 = second.get(60, TimeUnit.SECONDS);

                assertThat(List.of(r1, r2))
                        .as("round " + round)
                        .allSatisfy(r -> assertThat(r).isInstanceOf(ActionResult.Done.class));
                ActionResult.Done d1 = (ActionResult.Done) r1;
                ActionResult.Done d2 = (ActionResult.Done) r2;
                assertThat(d1.repeated() != d2.repeated())
                        .as("one records the acknowledgement, the other repeats it (round " + round + ")")
                        .isTrue();
                assertThat(d1.action().id())
                        .as("the same record")
                        .isEqualTo(d2.action().id());
                assertThat(jdbc.sql("select count(distinct acknowledged_by) from reconciliation_finding"
                                        + " where subject = :s and acknowledged_by = :by")
                                .param("s", subject)
                                .param("by", d1.action().id())
                                .query(Long.class)
                                .single())
                        .isEqualTo(1);
                assertThat(jdbc.sql("select count(*) from reconciliation_finding"
                                        + " where subject = :s and acknowledged_by is null")
                                .param("s", subject)
                                .query(Long.class)
                                .single())
                        .as("both runs' findings acknowledged")
                        .isZero();
                assertThat(jdbc.sql("select count(*) from reconciliation_acknowledgement where subject = :s")
                                .param("s", subject)
                                .query(Long.class)
                                .single())
                        .isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
            jdbc.sql("delete from reconciliation_acknowledgement where subject like :p")
                    .param("p", planted + "%")
                    .update();
            jdbc.sql("""
                            with gone as (delete from reconciliation_finding where subject like :p returning run_id)
                            delete from reconciliation_run where id in (select run_id from gone)""").param("p", planted + "%").update();
        }
    }

    /**
     * A run reads the acknowledgements when it starts and the payment providers for a while; an
     * operator acknowledged the previous run's finding in between. The run stored the difference
     * counted (the alert, the gauge, the command's exit code) until the next run; it must store it
     * acknowledged by that record.
     */
    @Test
    void aRunStoresAcknowledgedWhatWasAcknowledgedWhileItRan() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        String job = "job-ackrun-" + UUID.randomUUID();
        plantJobWithoutAsset(job);
        try {
            Finding before = ofJob(reconciliation.run(Reconciliation.COMMAND, "test"), job);
            assertThat(before.counted()).isTrue();

            CallPause.arm("unrecordedSince");
            CompletableFuture<ReconciliationReport> running =
                    CompletableFuture.supplyAsync(() -> reconciliation.run(Reconciliation.COMMAND, "test"));
            try {
                assertThat(CallPause.reached(Duration.ofSeconds(30)))
                        .as("the run reads the providers")
                        .isTrue();
                ActionResult acked =
                        acknowledgements.acknowledge(admin.email(), before.id(), "file lost for good", key("ack"));
                assertThat(acked).isInstanceOf(ActionResult.Done.class);
                long record = ((ActionResult.Done) acked).action().id();
                CallPause.release();
                ReconciliationReport report = running.get(60, TimeUnit.SECONDS);

                Finding stored = ofJob(report, job);
                assertThat(stored.acknowledgedBy())
                        .as("acknowledged before the run stored it")
                        .isEqualTo(record);
                assertThat(report.counted()).doesNotContain(stored);
                assertThat(report.countsByKind().getOrDefault(FindingKind.JOB_ASSET_MISSING, 0L))
                        .isZero();
                assertThat(meters.get("renderbank.reconciliation.findings")
                                .tag("kind", FindingKind.JOB_ASSET_MISSING.name())
                                .gauge()
                                .value())
                        .isZero();
                assertThat(alerts.recent(1000))
                        .filteredOn(al -> al.message().startsWith("Reconciliation run " + report.runId() + " "))
                        .allSatisfy(al -> assertThat(al.message()).doesNotContain("JOB_ASSET_MISSING"));
            } finally {
                CallPause.release();
            }
        } finally {
            jdbc.sql("delete from generation_job where id = :id")
                    .param("id", job)
                    .update();
        }
        assertThat(cli("reconcile")).as("left clean").isEqualTo(0);
    }

    private ActionResult acknowledgeAt(CyclicBarrier together, String actor, long finding, String key) {
        try {
            together.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return acknowledgements.acknowledge(actor, finding, "dealt with by hand", key);
    }

    /** A run (not finished: never the latest) with one finding no repair clears, as a run stores it. */
    private long plantFinding(String subject, int round) {
        Instant now = clock.instant();
        long run =
                jdbc.sql("""
                        insert into reconciliation_run (trigger, actor, window_from, started_at)
                        values ('COMMAND', 'test', :at, :at) returning id""").param("at", Timestamp.from(now)).query(Long.class).single();
        return jdbc.sql("""
                        insert into reconciliation_finding (run_id, kind, subject, evidence, repairable, created_at)
                        values (:run, 'JOB_ASSET_MISSING', :subject, cast(:evidence as jsonb), false, :at)
                        returning id""")
                .param("run", run)
                .param("subject", subject)
                .param("evidence", "{\"round\": " + round + ", \"has_asset\": false}")
                .param("at", Timestamp.from(now))
                .query(Long.class)
                .single();
    }

    /** A late delivery (free: no capture due) of days ago whose file is missing: one JOB_ASSET_MISSING. */
    private void plantJobWithoutAsset(String id) {
        long user = testUsers.create(0).id();
        Instant at = clock.instant().minus(Duration.ofDays(2));
        jdbc.sql("""
                        insert into generation_job (id, user_id, type, model, prompt, options, provider_model,
                                                    provider_input, price, state, provider_task_id, callback_token,
                                                    created_at, updated_at, completed_at, deadline_at, late_delivery)
                        values (?, ?, 'IMAGE', 'nano-banana', 'planted', '{}', 'google/nano-banana', '{}', 10,
                                'SUCCEEDED', null, 'token', ?, ?, ?, ?, true)""")
                .params(
                        id,
                        user,
                        Timestamp.from(at.minus(Duration.ofMinutes(1))),
                        Timestamp.from(at),
                        Timestamp.from(at),
                        Timestamp.from(at.plus(Duration.ofHours(1))))
                .update();
    }

    private static Finding ofJob(ReconciliationReport report, String job) {
        List<Finding> of = report.findings().stream()
                .filter(f -> f.subject().equals("job:" + job) && f.kind() == FindingKind.JOB_ASSET_MISSING)
                .toList();
        assertThat(of).as(report.findings().toString()).hasSize(1);
        return of.get(0);
    }
}

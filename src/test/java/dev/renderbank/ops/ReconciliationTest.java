package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each kind of discrepancy the reconciliation looks for, planted by SQL, must be found with its
 * subject. The plant and the run share one transaction that is rolled back, so the shared database
 * stays sound (and the run's own records go with it). A clean system is asserted in {@link
 * ReconcileStripeTest}, whose database is its own.
 */
class ReconciliationTest extends IntegrationTest {

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Ledger ledger;

    @Autowired
    TestUsers testUsers;

    @Test
    void aBalanceThatIsNotTheSumOfItsEntriesIsFound() {
        long user = testUsers.create(100).id();
        List<Finding> found =
                findingsAfter(sql -> sql.sql("update credit_account set balance = balance + 5 where user_id = ?")
                        .param(user)
                        .update());
        assertThat(found).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.LEDGER_INVARIANT);
            assertThat(f.evidence()).contains("user " + user + ":");
        });
    }

    @Test
    void anOpenHoldWithoutALiveJobIsFound() {
        long user = testUsers.create(100).id();
        String key = "orphan-hold-" + UUID.randomUUID();
        List<Finding> found = findingsAfter(sql -> sql.sql("""
                        insert into credit_hold (hold_key, user_id, amount, state, expires_at, created_at)
                        values (?, ?, 10, 'OPEN', ?, ?)""")
                .params(key, user, ts(Duration.ofHours(1)), ts(Duration.ofHours(-1)))
                .update());
        assertThat(found).anySatisfy(f -> assertFinding(f, FindingKind.HOLD_WITHOUT_JOB, "hold:" + key));
    }

    @Test
    void aLiveJobWithoutAHoldIsFound() {
        long user = testUsers.create(100).id();
        String job = "job-" + UUID.randomUUID();
        List<Finding> found = findingsAfter(sql -> insertJob(sql, job, user, "RUNNING", null));
        assertThat(found).anySatisfy(f -> assertFinding(f, FindingKind.JOB_WITHOUT_HOLD, "job:" + job));
    }

    @Test
    void aSucceededJobWithoutCaptureAndAssetIsFoundForBoth() {
        long user = testUsers.create(100).id();
        String job = "job-" + UUID.randomUUID();
        List<Finding> found = findingsAfter(sql -> insertJob(sql, job, user, "SUCCEEDED", null));
        assertThat(found).anySatisfy(f -> assertFinding(f, FindingKind.JOB_CAPTURE_MISSING, "job:" + job));
        assertThat(found).anySatisfy(f -> assertFinding(f, FindingKind.JOB_ASSET_MISSING, "job:" + job));
    }

    @Test
    void aFailedJobOrALateDeliveryWhoseHoldWasCapturedIsFound() {
        long user = testUsers.create(100).id();
        String failed = "job-" + UUID.randomUUID();
        String late = "job-" + UUID.randomUUID();
        String charged = "job-" + UUID.randomUUID();
        List<Finding> found = findingsAfter(sql -> {
            insertJob(sql, failed, user, "FAILED", null);
            insertJob(sql, late, user, "SUCCEEDED", null);
            sql.sql("update generation_job set late_delivery = true where id = ?")
                    .param(late)
                    .update();
            insertJob(sql, charged, user, "SUCCEEDED", null);
            for (String job : List.of(failed, late, charged)) {
                sql.sql("""
                                insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                          ref_key, created_at)
                                values (?, 'CAPTURE', 10, -10, -10, 0, ?, ?)""").params(user, job, ts(Duration.ofMinutes(-30))).update();
            }
        });
        assertThat(found).anySatisfy(f -> assertFinding(f, FindingKind.JOB_CAPTURE_NOT_DUE, "job:" + failed));
        assertThat(found).anySatisfy(f -> assertFinding(f, FindingKind.JOB_CAPTURE_NOT_DUE, "job:" + late));
        // a job charged once on success is what is due
        assertThat(found).noneSatisfy(f -> assertFinding(f, FindingKind.JOB_CAPTURE_NOT_DUE, "job:" + charged));
    }

    @Test
    void aProcessedPurchaseWithoutItsGrantIsFound() {
        long user = testUsers.create(0).id();
        String key = "stripe:checkout:cs_planted_" + UUID.randomUUID();
        long[] id = new long[1];
        List<Finding> found = findingsAfter(sql -> id[0] = sql.sql("""
                        insert into billing_purchase (purchase_key, provider, user_id, product, credits, amount_minor,
                                                      currency, created_at)
                        values (?, 'stripe', ?, 'pack-200', 200, 990, 'USD', ?) returning id""")
                .params(key, user, ts(Duration.ofHours(-1)))
                .query(Long.class)
                .single());
        assertThat(found).anySatisfy(f -> assertFinding(f, FindingKind.PURCHASE_GRANT_MISSING, "purchase:" + id[0]));
    }

    @Test
    void aPurchaseGrantNoPurchaseExplainsIsFound() {
        long user = testUsers.create(0).id();
        String key = "stripe:checkout:cs_nowhere_" + UUID.randomUUID();
        List<Finding> found = findingsAfter(
                sql -> ledger.grant(user, 200, GrantSource.PURCHASE, key, "pack-200", "planted: no purchase row"));
        assertThat(found).anySatisfy(f -> assertFinding(f, FindingKind.GRANT_WITHOUT_PURCHASE, "grant:" + key));
    }

    @Test
    void aJobWeFailedThatTheProviderRunsOrFinishedIsFound() {
        long user = testUsers.create(100).id();
        String job = "job-" + UUID.randomUUID();
        var submitted = provider.submit(new dev.renderbank.provider.SubmitRequest(
                job, "google/nano-banana", java.util.Map.of("prompt", "planted"), null));
        String taskId = ((dev.renderbank.provider.SubmitOutcome.Accepted) submitted).providerTaskId();
        List<Finding> found = findingsAfter(sql -> insertJob(sql, job, user, "FAILED", taskId));
        assertThat(found).anySatisfy(f -> {
            assertFinding(f, FindingKind.JOB_PROVIDER_DISAGREES, "job:" + job);
            assertThat(f.evidence()).contains(taskId);
        });
    }

    /**
     * A run that could not ask the provider about a job keeps that job's open difference, with the
     * note why, as the docs promise for a check that cannot run. Before, the second run (the command
     * line, whose simulator key the service's simulator refuses, or any provider outage) listed the
     * provider as not checked and stored no finding: the difference was gone from the latest report
     * and the dashboard showed the run as clean.
     */
    @Test
    void aDisagreementTheNextRunCouldNotAskTheProviderAboutIsCarriedWithTheNote() {
        long user = testUsers.create(100).id();
        String job = "job-" + UUID.randomUUID();
        simulator.setImageDuration(Duration.ofHours(2));
        String taskId;
        try {
            taskId = submitted(job);
        } finally {
            simulator.reset();
        }
        tx.executeWithoutResult(s -> {
            // charged, while the provider still runs the task: a difference
            insertJob(jdbc, job, user, "SUCCEEDED", taskId);
            ReconciliationReport first = reconciliation.run(Reconciliation.COMMAND, "test");
            assertThat(first.findings())
                    .anySatisfy(f -> assertFinding(f, FindingKind.JOB_PROVIDER_DISAGREES, "job:" + job));

            // the provider no longer tells anything of the task (a 404 for a job we charged)
            jdbc.sql("update generation_job set provider_task_id = ? where id = ?")
                    .params("gone-" + UUID.randomUUID(), job)
                    .update();
            ReconciliationReport second = reconciliation.run(Reconciliation.COMMAND, "test");
            assertThat(second.skipped()).anySatisfy(note -> assertThat(note).startsWith("provider: "));
            assertThat(second.findings()).anySatisfy(f -> {
                assertFinding(f, FindingKind.JOB_PROVIDER_DISAGREES, "job:" + job);
                assertThat(f.evidence()).contains("notCheckedAgain", "could not be queried", taskId);
            });
            assertThat(second.clean()).isFalse();
            s.setRollbackOnly();
        });
    }

    /**
     * A job failed (here by its deadline, as by an operator) whose result the provider delivered
     * later is a free late delivery: failed for the books, uncharged, with the provider's output
     * stored. The provider's success is what happened and what we recorded: not a difference, and
     * not one an operator could repair. A failed job whose output was not fetched still is.
     */
    @Test
    void aLateDeliveryAgreesWithTheProvidersSuccess() {
        long user = testUsers.create(100).id();
        String late = "job-" + UUID.randomUUID();
        String notFetched = "job-" + UUID.randomUUID();
        simulator.setImageDuration(Duration.ZERO);
        String lateTask;
        String notFetchedTask;
        try {
            lateTask = submitted(late);
            notFetchedTask = submitted(notFetched);
        } finally {
            simulator.reset();
        }
        List<Finding> found = findingsAfter(sql -> {
            insertJob(sql, late, user, "FAILED", lateTask);
            sql.sql("update generation_job set late_delivery = true where id = ?")
                    .param(late)
                    .update();
            insertJob(sql, notFetched, user, "FAILED", notFetchedTask);
        });
        assertThat(found).noneSatisfy(f -> assertFinding(f, FindingKind.JOB_PROVIDER_DISAGREES, "job:" + late));
        assertThat(found).anySatisfy(f -> assertFinding(f, FindingKind.JOB_PROVIDER_DISAGREES, "job:" + notFetched));
    }

    private String submitted(String job) {
        var submitted = provider.submit(new dev.renderbank.provider.SubmitRequest(
                job, "google/nano-banana", java.util.Map.of("prompt", "planted"), null));
        return ((dev.renderbank.provider.SubmitOutcome.Accepted) submitted).providerTaskId();
    }

    @Autowired
    dev.renderbank.identity.AccountDeletion deletion;

    @Autowired
    List<dev.renderbank.platform.DurableEventHandler<?>> handlers;

    @Autowired
    dev.renderbank.provider.simulator.KieSimulator simulator;

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    /**
     * Deleting an account deletes its stored files (and their rows) while its succeeded jobs stay
     * for the books: by design, not a difference an operator must chase.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aSucceededJobOfADeletedAccountIsNotReportedForItsDeletedFile() {
        var user = testUsers.create(100);
        var api = new dev.renderbank.support.Api(port);
        simulator.setImageDuration(Duration.ofMillis(300));
        String taskId;
        try {
            taskId = api.post(
                            "/api/v1/generate-image",
                            user.token(),
                            "{\"model\":\"nano-banana\",\"prompt\":\"books kept\"}")
                    .json()
                    .get("taskId")
                    .asString();
            assertThat(api.awaitTerminal(taskId, user.token()).get("status").asString())
                    .isEqualTo("completed");
        } finally {
            simulator.reset();
        }
        assertThat(deletion.delete(user.id(), "correct horse battery staple"))
                .isInstanceOf(dev.renderbank.identity.DeletionOutcome.Deleted.class);
        var handler =
                (dev.renderbank.platform.DurableEventHandler<dev.renderbank.identity.AccountDeleted>) handlers.stream()
                        .filter(h -> h.name().equals("generation.account-deleted"))
                        .findFirst()
                        .orElseThrow();
        handler.handle(new dev.renderbank.identity.AccountDeleted(user.id()));
        clock.advance(Duration.ofHours(1)); // past the settle time

        List<Finding> found = findingsAfter(sql -> {});
        assertThat(found).noneSatisfy(f -> assertThat(f.subject()).isEqualTo("job:" + taskId));
    }

    @Autowired
    dev.renderbank.provider.ProviderGateway provider;

    @Test
    void aDifferenceFoundIsStoredWithItsEvidenceAndCountedInTheMetric() {
        long user = testUsers.create(100).id();
        String job = "job-" + UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            insertJob(jdbc, job, user, "RUNNING", null);
            ReconciliationReport run = reconciliation.run(Reconciliation.COMMAND, "test");
            ReconciliationReport stored = reconciliation.latest().orElseThrow();
            assertThat(stored.runId()).isEqualTo(run.runId());
            assertThat(stored.findings()).anySatisfy(f -> {
                assertFinding(f, FindingKind.JOB_WITHOUT_HOLD, "job:" + job);
                assertThat(f.evidence()).contains("\"state\": \"RUNNING\"");
            });
            double gauge = meters.get("renderbank.reconciliation.findings")
                    .tag("kind", "JOB_WITHOUT_HOLD")
                    .gauge()
                    .value();
            assertThat(gauge).isGreaterThanOrEqualTo(1);
            s.setRollbackOnly();
        });
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    private List<Finding> findingsAfter(Consumer<JdbcClient> plant) {
        return tx.execute(s -> {
            plant.accept(jdbc);
            ReconciliationReport report = reconciliation.run(Reconciliation.COMMAND, "test");
            s.setRollbackOnly();
            return report.findings();
        });
    }

    private static void assertFinding(Finding f, FindingKind kind, String subject) {
        assertThat(f.kind()).isEqualTo(kind);
        assertThat(f.subject()).isEqualTo(subject);
    }

    private Timestamp ts(Duration fromNow) {
        return Timestamp.from(clock.instant().plus(fromNow));
    }

    /** A job row as generation writes it, an hour old (past the settle time), with no hold. */
    private void insertJob(JdbcClient sql, String id, long user, String state, String providerTaskId) {
        Instant hourAgo = clock.instant().minus(Duration.ofHours(1));
        sql.sql("""
                        insert into generation_job (id, user_id, type, model, prompt, options, provider_model,
                                                    provider_input, price, state, provider_task_id, callback_token,
                                                    created_at, updated_at, completed_at, deadline_at)
                        values (?, ?, 'IMAGE', 'nano-banana', 'planted', '{}', 'google/nano-banana', '{}', 10, ?, ?,
                                'token', ?, ?, ?, ?)""")
                .params(
                        id,
                        user,
                        state,
                        providerTaskId,
                        Timestamp.from(hourAgo),
                        Timestamp.from(hourAgo),
                        "RUNNING".equals(state) ? null : ts(Duration.ofMinutes(-11)),
                        Timestamp.from(clock.instant().plus(Duration.ofHours(1))))
                .update();
    }
}

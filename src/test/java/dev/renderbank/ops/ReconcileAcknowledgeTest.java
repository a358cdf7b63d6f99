package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Findings no repair can clear (a double capture, a lost asset) must not hide newer ones, and an
 * operator who dealt with one acknowledges it: audited, no longer counted (the alert, the command's
 * exit code, the gauge), listed still, and counted again once its facts change. Planted by SQL in one
 * transaction that is rolled back, runs and acknowledgements included, as in {@link ReconciliationTest}.
 */
class ReconcileAcknowledgeTest extends IntegrationTest {

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    FindingAcknowledgements acknowledgements;

    @Autowired
    OpsCommands commands;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TestUsers testUsers;

    @Autowired
    MeterRegistry meters;

    /**
     * Sixty succeeded jobs of days ago lost their files (nothing repairs that); then a job is charged
     * twice. Its id sorts after theirs, as a random id may: each check stores at most 50 findings,
     * and they were the first 50 by id, so the double capture was never reported.
     */
    @Test
    void aNewDoubleCaptureIsReportedBehindSixtyOldFindingsNoRepairClears() {
        long user = testUsers.create(100).id();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String doubled = "job-zzz-" + run;
        tx.executeWithoutResult(s -> {
            for (int i = 0; i < 60; i++) {
                insertJob("job-000-" + run + "-" + i, user, "SUCCEEDED", Duration.ofDays(3));
            }
            insertJob(doubled, user, "SUCCEEDED", Duration.ofMinutes(11));
            capture(doubled, user);
            capture(doubled, user);
            ReconciliationReport report = reconciliation.run(Reconciliation.COMMAND, "test");
            assertThat(report.findings())
                    .as("the double capture, the newest difference")
                    .anySatisfy(f -> {
                        assertThat(f.kind()).isEqualTo(FindingKind.JOB_CAPTURE_MISSING);
                        assertThat(f.subject()).isEqualTo("job:" + doubled);
                        assertThat(f.evidence()).contains("\"captures\": 2");
                    });
            s.setRollbackOnly();
        });
    }

    @Test
    void anAcknowledgedFindingIsAuditedListedAndNotCountedUntilItsFactsChange() {
        long user = testUsers.create(100).id();
        String job = "job-ack-" + UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            insertJob(job, user, "FAILED", Duration.ofMinutes(30));
            capture(job, user);
            ReconciliationReport first = reconciliation.run(Reconciliation.COMMAND, "test");
            Finding f = of(first, job);
            assertThat(f.counted()).isTrue();
            long notDue = first.countsByKind().get(FindingKind.JOB_CAPTURE_NOT_DUE);
            assertThat(gauge(FindingKind.JOB_CAPTURE_NOT_DUE)).isEqualTo(notDue);

            ActionResult result = acknowledgements.acknowledge(
                    "alice@test.local", f.id(), "charged twice; gave the 10 credits back by a grant", "ack-" + job);
            assertThat(result).isInstanceOf(ActionResult.Done.class);
            OperatorAction record = ((ActionResult.Done) result).action();
            assertThat(record.action()).isEqualTo("reconcile-acknowledge");
            assertThat(record.target()).isEqualTo("finding:" + f.id());
            assertThat(record.reason()).isEqualTo("charged twice; gave the 10 credits back by a grant");
            assertThat(record.before()).contains("JOB_CAPTURE_NOT_DUE", "job:" + job);
            assertThat(jdbc.sql(
                                    "select count(*) from operator_action where id = :id and action = 'reconcile-acknowledge'")
                            .param("id", record.id())
                            .query(Long.class)
                            .single())
                    .as("audited in the acknowledgement's transaction")
                    .isEqualTo(1);
            assertThat(gauge(FindingKind.JOB_CAPTURE_NOT_DUE))
                    .as("the latest run's gauge drops at once")
                    .isEqualTo(notDue - 1);
            ActionResult again = acknowledgements.acknowledge("alice@test.local", f.id(), "again", "ack2-" + job);
            assertThat(again).isEqualTo(new ActionResult.Done(record, true));

            ReconciliationReport second = reconciliation.run(Reconciliation.COMMAND, "test");
            Finding listed = of(second, job);
            assertThat(listed.acknowledgedBy()).as("still listed, acknowledged").isEqualTo(record.id());
            assertThat(second.counted()).doesNotContain(listed);
            assertThat(second.countsByKind().getOrDefault(FindingKind.JOB_CAPTURE_NOT_DUE, 0L))
                    .isEqualTo(notDue - 1);
            assertThat(gauge(FindingKind.JOB_CAPTURE_NOT_DUE)).isEqualTo(notDue - 1);

            capture(job, user); // charged a second time: a new difference
            ReconciliationReport third = reconciliation.run(Reconciliation.COMMAND, "test");
            Finding back = of(third, job);
            assertThat(back.counted()).isTrue();
            assertThat(back.evidence()).contains("\"captures\": 2");
            assertThat(third.countsByKind().get(FindingKind.JOB_CAPTURE_NOT_DUE))
                    .isEqualTo(notDue);
            assertThat(gauge(FindingKind.JOB_CAPTURE_NOT_DUE)).isEqualTo(notDue);
            s.setRollbackOnly();
        });
    }

    /**
     * The command's exit code: 1 while a finding counts; once every finding of the run is acknowledged
     * on the command line, 0 (the acknowledged ones only as a number), and 1 again when one's facts change.
     */
    @Test
    void theCommandExitsCleanOnceEveryFindingIsAcknowledgedAndNotWhenOneChanges() {
        long user = testUsers.create(100).id();
        String job = "job-cli-" + UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            insertJob(job, user, "FAILED", Duration.ofMinutes(30));
            capture(job, user);
            assertThat(cli("reconcile")).isEqualTo(OpsCommands.FINDING);
            ReconciliationReport report = reconciliation.latest().orElseThrow();
            assertThat(report.findings())
                    .allSatisfy(f -> assertThat(f.repairable()).isFalse());
            for (Finding f : report.counted()) {
                assertThat(cli(
                                "reconcile",
                                "acknowledge",
                                Long.toString(f.id()),
                                "--reason",
                                "dealt with",
                                "--actor",
                                "ops-test"))
                        .as(f.toString())
                        .isEqualTo(OpsCommands.OK);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = commands.execute(new String[] {"reconcile"}, new PrintStream(out, true, StandardCharsets.UTF_8));
            assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(OpsCommands.OK);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .doesNotContain("FINDING ")
                    .contains("0 finding(s), " + report.counted().size() + " acknowledged (not counted)");
            for (FindingKind kind : FindingKind.values()) {
                assertThat(gauge(kind)).as(kind.name()).isZero();
            }

            capture(job, user);
            assertThat(cli("reconcile")).isEqualTo(OpsCommands.FINDING);
            assertThat(of(reconciliation.latest().orElseThrow(), job).counted()).isTrue();
            s.setRollbackOnly();
        });
    }

    private int cli(String... args) {
        return commands.execute(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static Finding of(ReconciliationReport report, String job) {
        List<Finding> of = report.findings().stream()
                .filter(f -> f.subject().equals("job:" + job) && f.kind() == FindingKind.JOB_CAPTURE_NOT_DUE)
                .toList();
        assertThat(of).hasSize(1);
        return of.get(0);
    }

    private double gauge(FindingKind kind) {
        return meters.get("renderbank.reconciliation.findings")
                .tag("kind", kind.name())
                .gauge()
                .value();
    }

    private void capture(String job, long user) {
        jdbc.sql("""
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, created_at)
                        values (?, 'CAPTURE', 10, -10, -10, 0, ?, ?)""")
                .params(user, job, Timestamp.from(clock.instant().minus(Duration.ofMinutes(20))))
                .update();
    }

    /** A finished job as generation writes it, finished {@code ago} (past the settle time), with no hold. */
    private void insertJob(String id, long user, String state, Duration ago) {
        Instant at = clock.instant().minus(ago);
        jdbc.sql("""
                        insert into generation_job (id, user_id, type, model, prompt, options, provider_model,
                                                    provider_input, price, state, provider_task_id, callback_token,
                                                    created_at, updated_at, completed_at, deadline_at)
                        values (?, ?, 'IMAGE', 'nano-banana', 'planted', '{}', 'google/nano-banana', '{}', 10, ?, null,
                                'token', ?, ?, ?, ?)""")
                .params(
                        id,
                        user,
                        state,
                        Timestamp.from(at.minus(Duration.ofMinutes(1))),
                        Timestamp.from(at),
                        Timestamp.from(at),
                        Timestamp.from(at.plus(Duration.ofHours(1))))
                .update();
    }
}

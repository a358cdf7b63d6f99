package dev.renderbank.ops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ops.FindingKind;
import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderError.Kind;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How the provider's answer about a settled job is weighed against our outcome. A record that reads
 * {@code success} without result URLs ({@link Kind#INCOMPLETE_RECORD}) is, for a job that finished
 * at least the settle time ago, no record still being written: the provider has no output for it, the
 * reading generation itself fails a job on ({@code provider_no_output}). So it agrees with our
 * failure and differs from our success. A 404 for a job we failed agrees with the failure (the
 * provider has no such task); an answer that tells nothing of the task (a 404 for a job we charged,
 * a 5xx, a record without a state) is counted as not checked. Jobs are planted far from every other
 * test's (their own window) in a transaction that is rolled back; the provider is a stand-in answering
 * per task id.
 */
class ProviderJobChecksTest extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    TestUsers users;

    private final Map<String, QueryOutcome> answers = new ConcurrentHashMap<>();

    private final ProviderGateway provider = new ProviderGateway() {
        @Override
        public SubmitOutcome submit(SubmitRequest request) {
            throw new UnsupportedOperationException("reconciliation never submits");
        }

        @Override
        public QueryOutcome query(String providerModel, String providerTaskId) {
            return answers.get(providerTaskId);
        }

        @Override
        public BalanceOutcome balance() {
            throw new UnsupportedOperationException("not asked here");
        }

        @Override
        public Duration submitTimeLimit() {
            throw new UnsupportedOperationException("reconciliation never submits");
        }
    };

    private static final QueryOutcome SUCCESS_WITHOUT_URLS = new QueryOutcome.Unavailable(
            new ProviderError(Kind.INCOMPLETE_RECORD, 200, "recordInfo answered success without result URLs"));

    @Test
    void aJobWeFailedWhoseProviderRecordIsASuccessWithoutResultUrlsAgreesWithOurFailure() {
        Checked checked = check(List.of(
                planted("FAILED", "provider_no_output", SUCCESS_WITHOUT_URLS),
                planted("FAILED", "deadline", SUCCESS_WITHOUT_URLS)));

        assertThat(checked.found())
                .as("no difference: the provider has no output either")
                .isEmpty();
        assertThat(checked.unchecked()).as("both were answered").isEmpty();
    }

    @Test
    void aJobWeChargedWhoseProviderRecordIsASuccessWithoutResultUrlsIsADifference() {
        Planted charged = planted("SUCCEEDED", null, SUCCESS_WITHOUT_URLS);

        Checked checked = check(List.of(charged));

        assertThat(checked.found()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.JOB_PROVIDER_DISAGREES);
            assertThat(f.subject()).isEqualTo("job:" + charged.id());
            assertThat(f.evidence()).containsEntry("provider", "succeeded without result URLs");
        });
        assertThat(checked.unchecked()).isEmpty();
    }

    /**
     * A 404 for a task we failed: the provider has no such task, so it has no output we failed to
     * deliver and nothing finished there that we reported failed. That agrees with our failure (or
     * leaves nothing to compare, which an operator can do nothing about either): it is neither a
     * finding nor "could not be queried", which would send an operator looking for a provider outage.
     */
    @Test
    void aJobWeFailedWhoseTaskTheProviderDoesNotKnowAgreesWithOurFailure() {
        QueryOutcome notFound = new QueryOutcome.Unavailable(new ProviderError(Kind.NOT_FOUND, 404, "task not found"));
        Checked checked = check(List.of(
                planted("FAILED", "provider_task_not_found", notFound), planted("FAILED", "deadline", notFound)));

        assertThat(checked.found()).isEmpty();
        assertThat(checked.unchecked()).as("both were answered").isEmpty();
    }

    @Test
    void answersThatTellNothingOfTheTaskAreCountedAsNotChecked() {
        Checked checked = check(List.of(
                planted(
                        "SUCCEEDED",
                        null,
                        new QueryOutcome.Unavailable(new ProviderError(Kind.NOT_FOUND, 404, "task not found"))),
                planted(
                        "SUCCEEDED",
                        null,
                        new QueryOutcome.Unavailable(new ProviderError(Kind.UNAVAILABLE, 503, "busy")))));

        assertThat(checked.found()).isEmpty();
        assertThat(checked.unchecked())
                .singleElement()
                .satisfies(note -> assertThat(note)
                        .as("with the answers' reasons")
                        .startsWith("provider: 2 of 2 sampled jobs could not be queried (")
                        .contains("404 task not found", "503 busy"));
        assertThat(checked.unanswered())
                .as("the jobs a carried finding may stand for")
                .hasSize(2);
    }

    /**
     * A job failed (its deadline, an operator) whose result the provider delivered afterwards is a
     * free late delivery: the job keeps its failure (the user is not charged) and has the provider's
     * output. The provider's success is what we recorded, not a difference: before, every such job
     * was reported as JOB_PROVIDER_DISAGREES in each run while it was in the sample, and an operator
     * had nothing to repair. A failed job the provider finished without a late delivery (its result
     * not fetched) is still a difference.
     */
    @Test
    void aLateDeliveryAgreesWithTheProvidersSuccessAFailureWithoutOneDoesNot() {
        QueryOutcome success = new QueryOutcome.Succeeded(List.of(URI.create("https://files.example/out.png")));
        Planted late = planted("FAILED", "deadline", success, true);
        Planted notFetched = planted("FAILED", "deadline", success, false);

        Checked checked = check(List.of(late, notFetched));

        assertThat(checked.found()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.JOB_PROVIDER_DISAGREES);
            assertThat(f.subject()).isEqualTo("job:" + notFetched.id());
        });
        assertThat(checked.unchecked()).isEmpty();
    }

    private record Planted(String id, String state, String errorCode, String taskId, boolean lateDelivery) {}

    private record Checked(List<Found> found, List<String> unchecked, java.util.Set<String> unanswered) {}

    /** A finished job, with the provider's answer for its task; completed a year from now (its own window). */
    private Planted planted(String state, String errorCode, QueryOutcome answer) {
        return planted(state, errorCode, answer, false);
    }

    private Planted planted(String state, String errorCode, QueryOutcome answer, boolean lateDelivery) {
        String id = "job-" + UUID.randomUUID();
        String task = "t-" + UUID.randomUUID();
        answers.put(task, answer);
        return new Planted(id, state, errorCode, task, lateDelivery);
    }

    private Checked check(List<Planted> jobs) {
        Instant completed = clock.instant().plus(Duration.ofDays(365));
        ProviderJobChecks checks = new ProviderJobChecks(
                jdbc,
                provider,
                new ReconcileProperties(true, Duration.ofDays(1), Duration.ofDays(2), Duration.ofMinutes(10), 20));
        long user = users.create(100).id();
        return tx.execute(s -> {
            for (Planted p : jobs) {
                jdbc.sql("""
                                insert into generation_job (id, user_id, type, model, prompt, options, provider_model,
                                                            provider_input, price, state, provider_task_id,
                                                            callback_token, error_code, created_at, updated_at,
                                                            completed_at, deadline_at, late_delivery)
                                values (?, ?, 'IMAGE', 'nano-banana', 'planted', '{}', 'google/nano-banana', '{}', 10,
                                        ?, ?, 'token', ?, ?, ?, ?, ?, ?)""")
                        .params(
                                p.id(),
                                user,
                                p.state(),
                                p.taskId(),
                                p.errorCode(),
                                Timestamp.from(completed.minus(Duration.ofMinutes(20))),
                                Timestamp.from(completed),
                                Timestamp.from(completed),
                                Timestamp.from(completed.plus(Duration.ofMinutes(15))),
                                p.lateDelivery())
                        .update();
            }
            List<Found> found = new ArrayList<>();
            ProviderJobChecks.Checked run = checks.run(
                    completed.minus(Duration.ofMinutes(1)), completed.plus(Duration.ofMinutes(1)), found::add);
            s.setRollbackOnly();
            return new Checked(found, run.skipped(), run.unanswered());
        });
    }
}

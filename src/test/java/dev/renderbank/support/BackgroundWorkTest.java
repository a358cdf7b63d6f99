package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link BackgroundWork#settle} leaves the database still: a job an earlier class left at the
 * simulator is failed by it, and the provider's task, finished before or after, must not come back
 * as a free late delivery (asset, mail) while a test counts rows. Here the late-delivery check asks
 * after 5 s (after settle's 3 s of quiet, as the shipped 30 s does), and neither the simulator's callbacks (hourly) nor the job's polls (30 s) collect a
 * result first, so only the check can bring one back.
 */
@TestPropertySource(
        properties = {
            "renderbank.jobs.late-delivery-retry=5s",
            "renderbank.jobs.first-poll=30s",
            "renderbank.jobs.max-poll=60s",
            "renderbank.simulator.callback-interval=1h",
            "renderbank.limits.cooldown.image=0"
        })
class BackgroundWorkTest extends EveryRouteTest {

    /** renderbank.jobs.late-delivery-retry above: the first try of a failed job's late-delivery check. */
    private static final Duration LATE_DELIVERY_RETRY = Duration.ofSeconds(5);

    @AfterEach
    void resetSimulator() {
        simulator.reset();
    }

    private String generate() {
        var user = testUsers.create(100);
        var job = new Api(port)
                .post(
                        "/api/v1/generate-image",
                        user.token(),
                        "{\"model\":\"sd\",\"prompt\":\"a fox\"}",
                        Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(job.status()).as(job.body()).isEqualTo(202);
        return job.json().get("taskId").asString();
    }

    /**
     * Settles the database, then sees the rows stay as settled until the late-delivery check of the
     * failed job has asked the provider: its first try is due {@link #LATE_DELIVERY_RETRY} after the
     * failure at the start of settle, so the rows are watched at least until a second after that;
     * and as long as any late-delivery check is still pending (a try that found the task running
     * would be rescheduled, and is waited for too). The rows are read once more after the checks
     * are seen done: what a check stores is written before its task is removed.
     */
    private void settleAndAssertStill() {
        Instant settling = Instant.now();
        settleBackgroundWork();
        Map<String, Long> settled = BusinessRows.of(jdbc);
        Instant floor = settling.plus(LATE_DELIVERY_RETRY).plusSeconds(1);
        Awaitility.await()
                .atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(250))
                .failFast(
                        "rows written after the database was settled",
                        () -> assertThat(BusinessRows.difference(settled, BusinessRows.of(jdbc)))
                                .as("rows written after the database was settled")
                                .isEmpty())
                .until(() -> Instant.now().isAfter(floor) && lateChecksPending() == 0);
        assertThat(BusinessRows.difference(settled, BusinessRows.of(jdbc)))
                .as("rows written after the database was settled")
                .isEmpty();
    }

    private long lateChecksPending() {
        return jdbc.sql("select count(*) from scheduled_tasks where task_name = 'generation-late-delivery'")
                .query(Long.class)
                .single();
    }

    @Test
    void aTaskStillRunningWhenItsJobIsFailedDoesNotComeBack() {
        simulator.setImageDuration(Duration.ofSeconds(4));
        generate();
        settleAndAssertStill();
    }

    @Test
    void aTaskFinishedButNotCollectedWhenItsJobIsFailedDoesNotComeBack() {
        simulator.setImageDuration(Duration.ZERO);
        String jobId = generate();
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> jdbc
                        .sql("select provider_task_id from generation_job where id = :id")
                        .param("id", jobId)
                        .query(String.class)
                        .list()
                        .stream()
                        .filter(Objects::nonNull)
                        .findFirst()
                        .flatMap(simulator::taskState)
                        .filter("success"::equals)
                        .isPresent());
        settleAndAssertStill();
    }
}

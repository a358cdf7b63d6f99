package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link BackgroundWork#settle} leaves the database still: a job an earlier class left running at
 * the simulator is failed by it, and the provider's task, finished a moment later, must not come
 * back as a free late delivery (asset, mail) while a test counts rows.
 */
@TestPropertySource(properties = "renderbank.jobs.late-delivery-retry=2s")
class BackgroundWorkTest extends EveryRouteTest {

    @Test
    void aJobFailedToSettleTheDatabaseDoesNotComeBackAsALateDelivery() throws Exception {
        var user = testUsers.create(100);
        simulator.setImageDuration(Duration.ofSeconds(4));
        try {
            var job = new Api(port)
                    .post(
                            "/api/v1/generate-image",
                            user.token(),
                            "{\"model\":\"sd\",\"prompt\":\"a fox\"}",
                            Map.of("Idempotency-Key", UUID.randomUUID().toString()));
            assertThat(job.status()).as(job.body()).isEqualTo(202);

            settleBackgroundWork();
            Map<String, Long> settled = BusinessRows.of(jdbc);
            // the simulator finishes the task 4 s after its submit; a check would ask 2 s, 4 s, 8 s later
            Awaitility.await()
                    .during(Duration.ofSeconds(12))
                    .atMost(Duration.ofSeconds(14))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> assertThat(BusinessRows.difference(settled, BusinessRows.of(jdbc)))
                            .as("rows written after the database was settled")
                            .isEmpty());
        } finally {
            simulator.reset();
        }
    }
}

package dev.renderbank.notify.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An endpoint is disabled while an event for it is being written: the delivery either is written
 * before the disabling (and then stopped with the endpoint's other pending ones) or not at all.
 * Never a delivery left pending on a disabled endpoint, where no sender would ever pick it up and
 * nothing would ever mark it failed (seen under load in WebhookEndpointDisablingTest).
 */
class DisablingRaceTest extends IntegrationTest {

    @Autowired
    TestUsers users;

    @Autowired
    EndpointStore endpoints;

    @Autowired
    EndpointHealth health;

    @Autowired
    WebhookEvents webhookEvents;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anEndpointDisabledWhileAnEventIsWrittenForItKeepsNothingPending() throws Exception {
        long userId = users.create(0).id();
        String endpointId = "we_" + UUID.randomUUID().toString().replace("-", "");
        Instant now = clock.instant();
        assertThat(endpoints.insertWithinCap(
                        endpointId,
                        userId,
                        "https://example.com/hook",
                        List.of("credits.granted"),
                        "whsec_x",
                        10,
                        now,
                        0))
                .isTrue();
        // failing for longer than renderbank.webhooks.disable-after, and tried all along (its last
        // failure an hour ago): the next failed attempt disables it
        jdbc.sql("update webhook_endpoint set failing_since = :t, last_failed_at = :last where id = :e")
                .param("t", java.sql.Timestamp.from(now.minus(Duration.ofDays(4))))
                .param("last", java.sql.Timestamp.from(now.minus(Duration.ofHours(1))))
                .param("e", endpointId)
                .update();

        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch disabledMeanwhile = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> tx.executeWithoutResult(s -> {
            assertThat(webhookEvents.record(userId, "credits.granted", "race", Map.of()))
                    .isEqualTo(1);
            written.countDown();
            try {
                // gives the disabling every chance to finish before this transaction commits
                disabledMeanwhile.await(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(written.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> disabler = CompletableFuture.runAsync(() -> {
            health.failed(endpointId, clock.instant());
            disabledMeanwhile.countDown();
        });
        writer.get(60, TimeUnit.SECONDS);
        disabler.get(60, TimeUnit.SECONDS);

        assertThat(jdbc.sql("select disabled_at is not null from webhook_endpoint where id = :e")
                        .param("e", endpointId)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(jdbc.sql("select status from webhook_delivery where endpoint_id = :e")
                        .param("e", endpointId)
                        .query(String.class)
                        .list())
                .as("the delivery written before the disabling is stopped with it")
                .containsExactly("FAILED");
    }
}

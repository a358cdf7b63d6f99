package dev.renderbank.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.notify.webhooks.DeliveryStore;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A delivery may be resent at most once per {@code renderbank.webhooks.resend-interval} (1 minute):
 * a client resending in a loop cannot use renderbank to flood a URL. A resend too soon is 429
 * problem+json with {@code Retry-After}; two resends at once queue the delivery once.
 */
class ResendLimitTest extends IntegrationTest {

    static final WireMockServer receiver =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeAll
    static void up() {
        receiver.start();
        receiver.stubFor(
                post(urlEqualTo("/resend-limit")).willReturn(aResponse().withStatus(200)));
    }

    @AfterAll
    static void down() {
        receiver.stop();
    }

    @Autowired
    TestUsers testUsers;

    @Autowired
    DeliveryStore deliveries;

    @Autowired
    DataSource dataSource;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @LocalServerPort
    int port;

    record Target(TestUsers.TestUser owner, String resendPath) {}

    /** An endpoint of a new user with one delivery. */
    Target delivery() {
        TestUsers.TestUser u = testUsers.create(0);
        Api.Response r = new Api(port)
                .post(
                        "/api/v1/webhook-endpoints",
                        u.token(),
                        "{\"url\":\"http://127.0.0.1:" + receiver.port()
                                + "/resend-limit\",\"events\":[\"credits.granted\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String endpointId = r.json().get("id").asString();
        String deliveryId = "msg_" + UUID.randomUUID().toString().replace("-", "");
        assertThat(deliveries.insert(
                        deliveryId,
                        endpointId,
                        u.id(),
                        "credits.granted|resend-limit-" + deliveryId,
                        "credits.granted",
                        "{}",
                        clock.instant(),
                        clock.instant().plus(Duration.ofHours(24))))
                .isTrue();
        return new Target(u, "/api/v1/webhook-endpoints/" + endpointId + "/deliveries/" + deliveryId + "/resend");
    }

    /**
     * A resend locks its endpoint (FOR SHARE: not disabled meanwhile), then updates the delivery; a
     * sender recording an attempt updated the delivery, then freed its endpoint: the opposite order,
     * so a resend pressed while an attempt was being recorded could deadlock (a 500, seen in CI).
     * Recording now takes the endpoint first: with the endpoint held as a resend holds it, the record
     * waits before it touches the delivery, and the resend's update goes through.
     */
    @Test
    void recordingAnAttemptTakesTheEndpointBeforeTheDeliveryAsAResendDoes() throws Exception {
        Target t = delivery();
        String endpointId = t.resendPath().split("/")[4];
        String deliveryId = t.resendPath().split("/")[6];
        Instant lease = clock.instant().plus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MICROS);
        // as a claim leaves them (the attempt under way, its endpoint held), out of the sender's way
        jdbc.sql("update webhook_delivery set attempts = 1, next_attempt_at = :later where id = :id")
                .param("later", java.sql.Timestamp.from(clock.instant().plus(Duration.ofHours(1))))
                .param("id", deliveryId)
                .update();
        jdbc.sql("update webhook_endpoint set sending_until = :lease where id = :e")
                .param("lease", java.sql.Timestamp.from(lease))
                .param("e", endpointId)
                .update();
        var claimed = new DeliveryStore.Claimed(
                deliveryId,
                endpointId,
                "http://127.0.0.1/",
                "s",
                "{}",
                1,
                1,
                clock.instant().plusSeconds(3600),
                lease);
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (Connection resend = dataSource.getConnection()) {
            resend.setAutoCommit(false);
            try (var st = resend.createStatement()) {
                st.execute("set local lock_timeout = '5s'");
                st.executeQuery("select 1 from webhook_endpoint where id = '" + endpointId + "' for share")
                        .close();
            }
            Future<Boolean> recorded = sender.submit(
                    () -> deliveries.record(claimed, clock.instant(), 500, "refused", null, false, lease));
            await().atMost(Duration.ofSeconds(10)).until(() -> LockWaits.blockedBy(jdbc, LockWaits.backend(resend)));
            try (var st = resend.createStatement()) {
                assertThat(st.executeUpdate(
                                "update webhook_delivery set resent_at = now() where id = '" + deliveryId + "'"))
                        .as("the resend's update, while the record waits")
                        .isEqualTo(1);
            }
            resend.commit();
            assertThat(recorded.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            sender.shutdownNow();
        }
    }

    @Test
    void aDeliveryIsResentAtMostOncePerResendInterval() {
        clock.freeze();
        Target t = delivery();
        Api api = new Api(port);
        assertThat(api.post(t.resendPath(), t.owner().token(), "").status()).isEqualTo(202);

        clock.advance(Duration.ofSeconds(20));
        Api.Response again = api.post(t.resendPath(), t.owner().token(), "");
        assertThat(again.status()).as(again.body()).isEqualTo(429);
        assertThat(again.header("Content-Type")).startsWith("application/problem+json");
        assertThat(again.header("Retry-After")).isEqualTo("40");
        assertThat(again.json().get("type").asString()).endsWith("resend-too-soon");
        assertThat(again.json().get("detail").asString())
                .contains("once per 60 s")
                .contains("wait 40 s");

        clock.advance(Duration.ofSeconds(40));
        assertThat(api.post(t.resendPath(), t.owner().token(), "").status())
                .as("a resend-interval after the last resend")
                .isEqualTo(202);
        assertThat(api.post(t.resendPath(), t.owner().token(), "").status()).isEqualTo(429);
    }

    @Test
    void ofResendsSentAtOnceOneIsQueuedAndTheOthersAreTooSoon() throws Exception {
        Target t = delivery();
        int n = 8;
        CyclicBarrier start = new CyclicBarrier(n);
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(threads.submit(() -> {
                    start.await();
                    return new Api(port)
                            .post(t.resendPath(), t.owner().token(), "")
                            .status();
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> a : answers) {
                statuses.add(a.get());
            }
            assertThat(statuses).containsOnlyOnce(202).containsOnly(202, 429);
        } finally {
            threads.shutdownNow();
        }
    }
}

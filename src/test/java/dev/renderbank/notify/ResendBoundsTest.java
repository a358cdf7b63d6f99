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
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Resends cannot grow the webhook log, nor keep the senders busy, without end: a delivery keeps its
 * first attempt and its latest 20; a user may resend {@code renderbank.webhooks.max-resends-per-user}
 * (100) deliveries per {@code resend-count-window} (1 h), then gets 429 {@code too-many-resends} with
 * {@code Retry-After}. The delivery-retention sweep: {@code WebhookSweepTest}.
 */
class ResendBoundsTest extends IntegrationTest {

    static final WireMockServer receiver =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeAll
    static void up() {
        receiver.start();
        receiver.stubFor(
                post(urlEqualTo("/resend-bounds")).willReturn(aResponse().withStatus(200)));
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
    JdbcClient jdbc;

    /** Attempts kept besides the first (DeliveryStore.KEPT_ATTEMPTS). */
    static final int KEPT = 20;

    @LocalServerPort
    int port;

    /** A new user's endpoint with {@code n} deliveries; the resend paths of the deliveries. */
    List<String> deliveries(TestUsers.TestUser u, int n) {
        Api.Response r = new Api(port)
                .post(
                        "/api/v1/webhook-endpoints",
                        u.token(),
                        "{\"url\":\"http://127.0.0.1:" + receiver.port()
                                + "/resend-bounds\",\"events\":[\"credits.granted\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String endpointId = r.json().get("id").asString();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
            assertThat(deliveries.insert(
                            id,
                            endpointId,
                            u.id(),
                            "credits.granted|resend-bounds-" + id,
                            "credits.granted",
                            "{}",
                            clock.instant(),
                            clock.instant().plus(Duration.ofHours(24))))
                    .isTrue();
            paths.add("/api/v1/webhook-endpoints/" + endpointId + "/deliveries/" + id + "/resend");
        }
        return paths;
    }

    static String deliveryId(String path) {
        return path.split("/")[6];
    }

    void awaitDelivered(String id, int attempts) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql(
                                "select status = 'DELIVERED' and attempts = :n from webhook_delivery where id = :id")
                        .param("n", attempts)
                        .param("id", id)
                        .query(Boolean.class)
                        .single());
    }

    @Test
    void aDeliveryResentOnceAMinuteKeepsItsFirstAndLatestAttemptsOnly() {
        clock.freeze();
        TestUsers.TestUser u = testUsers.create(0);
        String path = deliveries(u, 1).get(0);
        String id = deliveryId(path);
        awaitDelivered(id, 1);
        Api api = new Api(port);
        int resends = KEPT + 10;
        for (int i = 1; i <= resends; i++) {
            clock.advance(Duration.ofMinutes(1));
            Api.Response r = api.post(path, u.token(), "");
            assertThat(r.status()).as("resend %s: %s", i, r.body()).isEqualTo(202);
            awaitDelivered(id, i + 1);
        }
        List<Integer> kept = jdbc.sql("select attempt from webhook_attempt where delivery_id = :id order by attempt")
                .param("id", id)
                .query(Integer.class)
                .list();
        int latest = resends + 1;
        assertThat(kept)
                .as("the first attempt and the latest %s", KEPT)
                .hasSize(KEPT + 1)
                .startsWith(1)
                .endsWith(latest)
                .contains(latest - KEPT + 1)
                .doesNotContain(latest - KEPT);
        assertThat(api.get(path.replaceAll("/[^/]+/resend$", ""), u.token())
                        .json()
                        .get("items")
                        .get(0)
                        .get("attempts")
                        .asInt())
                .as("the delivery still counts every attempt")
                .isEqualTo(latest);
    }

    @Test
    void aUserMayResendAHundredDeliveriesAnHourThenWaitsForTheNextWindow() {
        clock.freeze();
        TestUsers.TestUser u = testUsers.create(0);
        List<String> paths = deliveries(u, 101);
        Api api = new Api(port);
        clock.advance(Duration.ofMinutes(1));
        for (int i = 0; i < 100; i++) {
            Api.Response r = api.post(paths.get(i), u.token(), "");
            assertThat(r.status()).as("resend %s: %s", i, r.body()).isEqualTo(202);
        }
        clock.advance(Duration.ofMinutes(20));
        Api.Response refused = api.post(paths.get(100), u.token(), "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
        assertThat(refused.json().get("type").asString()).endsWith("too-many-resends");
        assertThat(refused.header("Retry-After")).isEqualTo("2400");
        assertThat(refused.json().get("detail").asString())
                .contains("100 deliveries per 60 min")
                .contains("wait 2400 s");
        assertThat(jdbc.sql("select resent_at is null from webhook_delivery where id = :id")
                        .param("id", deliveryId(paths.get(100)))
                        .query(Boolean.class)
                        .single())
                .as("nothing queued")
                .isTrue();

        clock.advance(Duration.ofMinutes(40));
        assertThat(api.post(paths.get(100), u.token(), "").status())
                .as("an hour after the window began")
                .isEqualTo(202);
    }

    @Test
    void aResendRefusedAsTooSoonIsNotCounted() {
        clock.freeze();
        TestUsers.TestUser u = testUsers.create(0);
        List<String> paths = deliveries(u, 2);
        Api api = new Api(port);
        assertThat(api.post(paths.get(0), u.token(), "").status()).isEqualTo(202);
        for (int i = 0; i < 120; i++) {
            assertThat(api.post(paths.get(0), u.token(), "").status()).isEqualTo(429);
        }
        assertThat(api.post(paths.get(1), u.token(), "").status())
                .as("resends refused as too soon used none of the user's allowance")
                .isEqualTo(202);
    }
}

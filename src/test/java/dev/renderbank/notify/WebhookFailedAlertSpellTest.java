package dev.renderbank.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code webhooks.failed} comes once per endpoint per failing spell, not once per delivery: alert
 * records are kept for good, and an endpoint that answers 500 (dead, or its owner's on purpose, with
 * resends) would otherwise add one for every event it misses. The spell ends when the endpoint
 * delivers again; its next failing spell alerts again.
 */
class WebhookFailedAlertSpellTest extends IntegrationTest {

    static final WireMockServer receiver =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @BeforeAll
    static void up() {
        receiver.start();
    }

    @AfterAll
    static void down() {
        receiver.stop();
    }

    @Autowired
    TestUsers testUsers;

    @Autowired
    DurableEvents events;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    private void answer(String path, int status) {
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(status)));
    }

    /** A purchase as billing commits it; its credits.granted event becomes a delivery. */
    private void purchase(long userId) {
        String ref = "ord_" + UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            ledger.grant(userId, 10, GrantSource.PURCHASE, ref, ref, "pack");
            events.publish(new PurchaseCompleted(userId, "pack-10", 10, 990, "USD", ref));
        });
    }

    private long deliveries(String endpointId, String status) {
        return jdbc.sql("select count(*) from webhook_delivery where endpoint_id = :e and status = :s")
                .param("e", endpointId)
                .param("s", status)
                .query(Long.class)
                .single();
    }

    /** Deliveries of the endpoint that are pending and were tried at least once since they were (re)queued. */
    private long triedAndPending(String endpointId) {
        return jdbc.sql("""
                        select count(*) from webhook_delivery d where d.endpoint_id = :e and d.status = 'PENDING'
                           and exists (select 1 from webhook_attempt a where a.delivery_id = d.id)""").param("e", endpointId).query(Long.class).single();
    }

    private long failedAlerts(String endpointId) {
        return jdbc.sql("select count(*) from operator_alert where kind = 'webhooks.failed' and message like :m")
                .param("m", "%" + endpointId + "%")
                .query(Long.class)
                .single();
    }

    /** {@code n} events fail at their first attempt, then past their retry window at their last. */
    private void failForGood(long userId, String endpointId, int n) {
        long failedBefore = deliveries(endpointId, "FAILED");
        for (int i = 0; i < n; i++) {
            purchase(userId);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> triedAndPending(endpointId) == n);
        clock.advance(Duration.ofHours(25)); // past the 24 h retry window: the next attempt is the last
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries(endpointId, "FAILED") == failedBefore + n);
    }

    @Test
    void anEndpointFailingDeliveryAfterDeliveryAlertsOnceAndAgainAfterItDeliveredInBetween() {
        var user = testUsers.create(0);
        String path = "/hooks/" + UUID.randomUUID();
        answer(path, 500);
        Api.Response r = new Api(port)
                .post(
                        "/api/v1/webhook-endpoints",
                        user.token(),
                        "{\"url\":\"http://127.0.0.1:" + receiver.port() + path
                                + "\",\"events\":[\"credits.granted\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String endpointId = r.json().get("id").asString();

        failForGood(user.id(), endpointId, 5);
        assertThat(failedAlerts(endpointId))
                .as("5 deliveries failed in one spell")
                .isEqualTo(1);

        answer(path, 200);
        purchase(user.id());
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveries(endpointId, "DELIVERED") == 1);

        answer(path, 500);
        failForGood(user.id(), endpointId, 2);
        assertThat(failedAlerts(endpointId))
                .as("a new failing spell after a delivery")
                .isEqualTo(2);
    }
}

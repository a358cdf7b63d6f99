package dev.renderbank.notify.webhooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An owner removes an endpoint (or deletes the account) while one of its deliveries is being sent.
 * The attempt's outcome then has nothing to be recorded against; that must not break the sender:
 * the other deliveries it claimed in the same batch (other users' too) are sent in the same run,
 * not left until their lease runs out with an attempt counted against them.
 */
class EndpointRemovedMidSendTest extends IntegrationTest {

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
    TestUsers users;

    @Autowired
    EndpointStore endpoints;

    @Autowired
    DeliveryStore deliveries;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anEndpointRemovedWhileItsDeliveryIsSentDoesNotHoldUpTheOthersInTheBatch() {
        long owner = users.create(0).id();
        long other = users.create(0).id();
        String slow = "/slow/" + UUID.randomUUID();
        String fast = "/fast/" + UUID.randomUUID();
        receiver.stubFor(
                post(urlEqualTo(slow)).willReturn(aResponse().withStatus(200).withFixedDelay(2000)));
        receiver.stubFor(post(urlEqualTo(fast)).willReturn(aResponse().withStatus(200)));
        String removed = endpoint(owner, slow);
        String kept = endpoint(other, fast);
        Instant now = clock.instant();
        // one commit, the removed endpoint's delivery first: the sender claims both in one batch
        tx.executeWithoutResult(s -> {
            assertThat(deliveries.insert(
                            "msg_a" + UUID.randomUUID().toString().replace("-", ""),
                            removed,
                            owner,
                            "credits.granted|mid-send-" + removed,
                            "credits.granted",
                            "{}",
                            now.minusSeconds(1),
                            now.plus(Duration.ofHours(24))))
                    .isTrue();
            assertThat(deliveries.insert(
                            "msg_b" + UUID.randomUUID().toString().replace("-", ""),
                            kept,
                            other,
                            "credits.granted|mid-send-" + kept,
                            "credits.granted",
                            "{}",
                            now,
                            now.plus(Duration.ofHours(24))))
                    .isTrue();
        });

        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        !receiver.findAll(postRequestedFor(urlEqualTo(slow))).isEmpty());
        assertThat(endpoints.delete(owner, removed)).isTrue();

        await().atMost(Duration.ofSeconds(15))
                .until(() -> "DELIVERED"
                        .equals(jdbc.sql("select status from webhook_delivery where endpoint_id = :e")
                                .param("e", kept)
                                .query(String.class)
                                .single()));
        assertThat(jdbc.sql("select attempts from webhook_delivery where endpoint_id = :e")
                        .param("e", kept)
                        .query(Integer.class)
                        .single())
                .as("one attempt: the batch was not given up")
                .isEqualTo(1);
        assertThat(receiver.findAll(postRequestedFor(urlEqualTo(fast)))).hasSize(1);
    }

    private String endpoint(long userId, String path) {
        String id = "we_" + UUID.randomUUID().toString().replace("-", "");
        assertThat(endpoints.insertWithinCap(
                        id,
                        userId,
                        "http://127.0.0.1:" + receiver.port() + path,
                        List.of("credits.granted"),
                        StandardWebhooks.newSecret(),
                        10,
                        clock.instant(),
                        0))
                .isTrue();
        return id;
    }
}

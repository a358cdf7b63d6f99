package dev.renderbank.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.ledger.CreditsGranted;
import dev.renderbank.ledger.GrantResult;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link Ledger#grantAnnounced}: a grant that adds credits is announced ({@code credits.granted})
 * once, from its own transaction: a repeat of its key announces nothing, a rolled-back grant nothing,
 * and the event handled again (even concurrently with its publication) makes no second delivery. A
 * plain {@link Ledger#grant} (a purchase, announced by its own event; a demo grant) is not announced.
 */
class GrantAnnouncementTest extends IntegrationTest {

    static final WireMockServer receiver =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    static final JsonMapper JSON = JsonMapper.builder().build();

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
    Ledger ledger;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @LocalServerPort
    int port;

    @Test
    void aGrantIsAnnouncedOnceAndARepeatOfItsKeyOrAPlainGrantNotAtAll() {
        TestUsers.TestUser u = testUsers.create(0);
        String path = subscribe(u);
        String key = "test-reward:" + UUID.randomUUID();
        assertThat(ledger.grantAnnounced("reward", u.id(), 7, GrantSource.REWARD, key, null, "a test reward", null))
                .isInstanceOf(GrantResult.Granted.class);
        awaitReceived(path, 1);
        JsonNode data = JSON.readTree(received(path).get(0)).get("data");
        assertThat(data.get("change").asLong()).isEqualTo(7);
        assertThat(data.get("reason").asString()).isEqualTo("reward");
        assertThat(data.get("balance").asLong()).isEqualTo(7);

        assertThat(ledger.grantAnnounced("reward", u.id(), 7, GrantSource.REWARD, key, null, "again", null))
                .isInstanceOf(GrantResult.AlreadyGranted.class);
        ledger.grant(u.id(), 5, GrantSource.ADMIN, "test-plain:" + UUID.randomUUID(), null, "not announced");
        assertStaysAt(u, path, 1);
        assertThat(ledger.balance(u.id()).available()).isEqualTo(12);
    }

    @Test
    void aRolledBackGrantIsNotAnnouncedAndABadOccasionIsRefusedBeforeAnythingIsWritten() {
        TestUsers.TestUser u = testUsers.create(0);
        String path = subscribe(u);
        tx.executeWithoutResult(s -> {
            ledger.grantAnnounced(
                    "compensation",
                    u.id(),
                    9,
                    GrantSource.COMPENSATION,
                    "test-rb:" + UUID.randomUUID(),
                    null,
                    "x",
                    null);
            s.setRollbackOnly();
        });
        assertThatThrownBy(() -> ledger.grantAnnounced(
                        "Not An Occasion",
                        u.id(),
                        9,
                        GrantSource.REWARD,
                        "test-bad:" + UUID.randomUUID(),
                        null,
                        "x",
                        null))
                .isInstanceOf(IllegalArgumentException.class);
        assertStaysAt(u, path, 0);
        assertThat(ledger.balance(u.id()).balance()).isZero();
    }

    @Test
    void theEventHandledAgainEvenConcurrentlyMakesOneDelivery() throws Exception {
        TestUsers.TestUser u = testUsers.create(0);
        String path = subscribe(u);
        String key = "test-twice:" + UUID.randomUUID();
        CreditsGranted event = new CreditsGranted(u.id(), 3, key, "reward");
        @SuppressWarnings("unchecked")
        DurableEventHandler<CreditsGranted> handler = (DurableEventHandler<CreditsGranted>) handlers.stream()
                .filter(h -> h.name().equals("notify.webhook-credits-granted"))
                .findFirst()
                .orElseThrow();
        CyclicBarrier start = new CyclicBarrier(3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> runs = List.of(
                    pool.submit(() -> {
                        start.await();
                        ledger.grantAnnounced("reward", u.id(), 3, GrantSource.REWARD, key, null, "twice", null);
                        return null;
                    }),
                    pool.submit(() -> {
                        start.await();
                        handler.handle(event);
                        return null;
                    }),
                    pool.submit(() -> {
                        start.await();
                        handler.handle(event);
                        return null;
                    }));
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        awaitReceived(path, 1);
        assertStaysAt(u, path, 1);
    }

    private String subscribe(TestUsers.TestUser u) {
        String path = "/announced/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        Api.Response r = new Api(port)
                .post(
                        "/api/v1/webhook-endpoints",
                        u.token(),
                        "{\"url\":\"http://127.0.0.1:" + receiver.port() + path
                                + "\",\"events\":[\"credits.granted\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return path;
    }

    private List<String> received(String path) {
        return receiver.findAll(postRequestedFor(urlEqualTo(path))).stream()
                .map(r -> r.getBodyAsString())
                .toList();
    }

    private void awaitReceived(String path, int n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> received(path).size() >= n);
        assertThat(received(path)).hasSize(n);
    }

    /** Nothing more is recorded or sent for a while (a wrong second event would be handled by then). */
    private void assertStaysAt(TestUsers.TestUser u, String path, int n) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(jdbc.sql("select count(*) from webhook_delivery where user_id = :u"
                                    + " and event_type = 'credits.granted'")
                            .param("u", u.id())
                            .query(Long.class)
                            .single())
                    .isEqualTo(n);
            assertThat(received(path)).hasSize(n);
        });
    }
}

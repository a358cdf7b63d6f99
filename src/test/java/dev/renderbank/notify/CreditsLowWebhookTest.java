package dev.renderbank.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.catalog.AssetType;
import dev.renderbank.generation.GenerationSucceeded;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.ReserveResult;
import dev.renderbank.platform.DurableEvent;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code credits.low} fires once per crossing below the user's threshold: not again while the user
 * stays below (however many jobs succeed, or how often one success is handled, even concurrently),
 * and again only after a purchase brought them back to or above it. The handlers are called directly
 * here, as the durable event runner would (at least once each).
 */
class CreditsLowWebhookTest extends IntegrationTest {

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
    JdbcClient jdbc;

    @Autowired
    javax.sql.DataSource dataSource;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @LocalServerPort
    int port;

    @SuppressWarnings("unchecked")
    <E extends DurableEvent> DurableEventHandler<E> handler(String name) {
        return (DurableEventHandler<E>)
                handlers.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    /** A job's price held and charged, as a finished generation leaves the ledger. */
    GenerationSucceeded spend(long userId, long credits) {
        String task = "gen_low_" + UUID.randomUUID();
        assertThat(ledger.reserve(userId, credits, task, Duration.ofMinutes(15)))
                .isInstanceOf(ReserveResult.Reserved.class);
        ledger.capture(task);
        return new GenerationSucceeded(userId, task, "nano-banana", AssetType.IMAGE, credits);
    }

    PurchaseCompleted buy(long userId, long credits) {
        String ref = "ord_" + UUID.randomUUID();
        ledger.grant(userId, credits, GrantSource.PURCHASE, ref, ref, "pack");
        return new PurchaseCompleted(userId, "pack-" + credits, credits, 990, "USD", ref);
    }

    List<JsonNode> lowEvents(long userId) {
        return jdbc
                .sql("select body from webhook_delivery where user_id = :u and event_type = 'credits.low'"
                        + " order by created_at, id")
                .param("u", userId)
                .query(String.class)
                .list()
                .stream()
                .map(JSON::readTree)
                .toList();
    }

    /** A webhook endpoint of {@code u} for {@code credits.low}, answered 200. */
    void listenForCreditsLow(TestUsers.TestUser u) {
        receiver.stubFor(
                post(urlEqualTo("/low/" + u.id())).willReturn(aResponse().withStatus(200)));
        assertThat(new Api(port)
                        .post(
                                "/api/v1/webhook-endpoints",
                                u.token(),
                                "{\"url\":\"http://127.0.0.1:" + receiver.port() + "/low/" + u.id()
                                        + "\",\"events\":[\"credits.low\"]}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void creditsLowFiresOncePerCrossingBelowTheThreshold() throws Exception {
        TestUsers.TestUser u = testUsers.create(30);
        listenForCreditsLow(u);
        DurableEventHandler<GenerationSucceeded> succeeded = handler("notify.webhook-generation-succeeded");
        DurableEventHandler<PurchaseCompleted> purchased = handler("notify.webhook-purchase");

        succeeded.handle(spend(u.id(), 5)); // 25 left: above the default threshold of 20
        assertThat(lowEvents(u.id())).isEmpty();

        GenerationSucceeded crossing = spend(u.id(), 10); // 15 left: the crossing
        succeeded.handle(crossing);
        succeeded.handle(crossing); // the same event handled again
        succeeded.handle(spend(u.id(), 5)); // 10 left: still below, no new crossing
        List<JsonNode> low = lowEvents(u.id());
        assertThat(low).hasSize(1);
        JsonNode data = low.get(0).get("data");
        assertThat(low.get(0).get("type").asString()).isEqualTo("credits.low");
        assertThat(data.get("available").asLong()).isEqualTo(15);
        assertThat(data.get("balance").asLong()).isEqualTo(15);
        assertThat(data.get("held").asLong()).isZero();
        assertThat(data.get("debt").asLong()).isZero();
        assertThat(data.get("change").asLong()).isEqualTo(-10);
        assertThat(data.get("reason").asString()).isEqualTo("generation");

        purchased.handle(buy(u.id(), 100)); // 110: back above, re-armed
        GenerationSucceeded a = spend(u.id(), 50);
        GenerationSucceeded b = spend(u.id(), 50); // 10 left, two successes handled at once
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = List.of(
                    pool.submit(() -> {
                        start.await();
                        succeeded.handle(a);
                        return null;
                    }),
                    pool.submit(() -> {
                        start.await();
                        succeeded.handle(b);
                        return null;
                    }));
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(lowEvents(u.id())).hasSize(2);

        purchased.handle(buy(u.id(), 100)); // 110 again
        assertThat(putThreshold(u.token(), "{\"creditsLowThreshold\":5}")).contains("\"creditsLowThreshold\":5");
        succeeded.handle(spend(u.id(), 100)); // 10 left: above the user's own threshold of 5
        assertThat(lowEvents(u.id())).hasSize(2);
        succeeded.handle(spend(u.id(), 6)); // 4 left: below 5
        assertThat(lowEvents(u.id())).hasSize(3);
    }

    /**
     * A success whose check read a low level, and a purchase handled before that check recorded
     * "below": the purchase's check found nothing to re-arm, the success's then marked the user below
     * although they were above again, and the next real crossing fired nothing. The checks of one
     * user run one at a time, so the purchase's re-arms after the success's.
     */
    @Test
    void aPurchaseCheckedWhileASuccessIsBeingCheckedLeavesTheNextCrossingReported() throws Exception {
        TestUsers.TestUser u = testUsers.create(30);
        listenForCreditsLow(u);
        DurableEventHandler<GenerationSucceeded> succeeded = handler("notify.webhook-generation-succeeded");
        DurableEventHandler<PurchaseCompleted> purchased = handler("notify.webhook-purchase");
        succeeded.handle(spend(u.id(), 10)); // 20: not below the default 20
        succeeded.handle(spend(u.id(), 5)); // 15: crossing 1
        purchased.handle(buy(u.id(), 100)); // 115: re-armed
        assertThat(lowEvents(u.id())).hasSize(1);

        GenerationSucceeded spent = spend(u.id(), 100); // 15: crossing 2, its check held at its record
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (java.sql.Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (var lock = holder.prepareStatement("select * from credits_low_state where user_id = ? for update")) {
                lock.setLong(1, u.id());
                lock.executeQuery().close();
            }
            Future<?> success = pool.submit(() -> {
                succeeded.handle(spent);
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingOn("insert into credits_low_state") >= 1);
            PurchaseCompleted bought = buy(u.id(), 100); // 115 again, committed before the purchase's check
            Future<?> purchase = pool.submit(() -> {
                purchased.handle(bought);
                return null;
            });
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> purchase.isDone() || waitingOn("select pg_advisory_xact_lock") >= 1);
            holder.rollback();
            success.get(10, TimeUnit.SECONDS);
            purchase.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdown();
        }
        assertThat(lowEvents(u.id())).as("crossing 2, read before the purchase").hasSize(2);

        succeeded.handle(spend(u.id(), 100)); // 15: crossing 3
        assertThat(lowEvents(u.id())).as("the next crossing is reported").hasSize(3);
    }

    /** Sessions waiting for a lock whose statement starts with {@code statement}. */
    private long waitingOn(String statement) {
        return jdbc.sql("""
                        select count(*) from pg_stat_activity
                         where datname = current_database() and wait_event_type = 'Lock'
                           and ltrim(query) like :q""").param("q", statement + "%").query(Long.class).single();
    }

    @Test
    void theThresholdIsANotificationSettingDefaulting20() throws Exception {
        TestUsers.TestUser u = testUsers.create(0);
        Api api = new Api(port);
        JsonNode settings = api.get("/api/v1/notification-settings", u.token()).json();
        assertThat(settings.get("creditsLowThreshold").asLong()).isEqualTo(20);
        assertThat(settings.get("generationEmails").asBoolean()).isTrue();
        assertThat(putThreshold(u.token(), "{\"creditsLowThreshold\":-1}")).contains("creditsLowThreshold");
        assertThat(putThreshold(u.token(), "{\"creditsLowThreshold\":50}")).contains("\"generationEmails\":true");
        assertThat(api.get("/api/v1/notification-settings", u.token())
                        .json()
                        .get("creditsLowThreshold")
                        .asLong())
                .isEqualTo(50);
    }

    private String putThreshold(String token, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/notification-settings"))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}

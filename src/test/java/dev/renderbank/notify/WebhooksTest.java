package dev.renderbank.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
 * Client webhooks end to end, with WireMock as the receiver: signed by the Standard Webhooks scheme
 * (checked by an independent implementation below), retried with the same {@code webhook-id} until a
 * 2xx, one delivery per event and endpoint however often the event handler runs, {@code FAILED}
 * after the retry window and resendable, per-user endpoints.
 */
class WebhooksTest extends IntegrationTest {

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
    DurableEvents events;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    List<DurableEventHandler<?>> handlers;

    @Autowired
    AccountDeletion deletion;

    @LocalServerPort
    int port;

    Api api() {
        return new Api(port);
    }

    /** A receiver path of its own per test (the receiver is shared). */
    static String path() {
        return "/hooks/" + UUID.randomUUID();
    }

    String url(String path) {
        return "http://127.0.0.1:" + receiver.port() + path;
    }

    JsonNode register(String token, String path, String... types) {
        String events = String.join("\",\"", types);
        Api.Response r = api().post(
                        "/api/v1/webhook-endpoints",
                        token,
                        "{\"url\":\"" + url(path) + "\",\"events\":[\"" + events + "\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    /** A granted purchase, as billing commits it: the grant and its event in one transaction. */
    void purchase(long userId, long credits) {
        String ref = "ord_" + UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            ledger.grant(userId, credits, GrantSource.PURCHASE, ref, ref, "pack");
            events.publish(new PurchaseCompleted(userId, "pack-" + credits, credits, 990, "USD", ref));
        });
    }

    List<LoggedRequest> received(String path) {
        return receiver.findAll(postRequestedFor(urlEqualTo(path)));
    }

    int attemptsRecorded(String endpointId) {
        return jdbc.sql("select count(*) from webhook_attempt a join webhook_delivery d on d.id = a.delivery_id"
                        + " where d.endpoint_id = :e")
                .param("e", endpointId)
                .query(Integer.class)
                .single();
    }

    /**
     * Standard Webhooks verification written from the specification, not from the app's signer:
     * HMAC-SHA256 over "id.timestamp.body" with the base64-decoded key after "whsec_", compared in
     * constant time against each "v1," signature in the header.
     */
    static boolean verifies(String secret, String id, String timestamp, String body, String signatureHeader)
            throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.split("_", 2)[1]);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        byte[] expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        for (String sig : signatureHeader.split(" ")) {
            String[] parts = sig.split(",", 2);
            if (parts[0].equals("v1")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(parts[1]))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aReceiverAnswering500TwiceGetsTheEventThreeTimesWithOneIdAndValidSignatures() throws Exception {
        TestUsers.TestUser u = testUsers.create(0);
        String path = path();
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario(path)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("boom"))
                .willSetStateTo("second"));
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario(path)
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("third"));
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario(path)
                .whenScenarioStateIs("third")
                .willReturn(aResponse().withStatus(204)));
        JsonNode endpoint = register(u.token(), path, "credits.granted");
        String secret = endpoint.get("secret").asString();
        String endpointId = endpoint.get("id").asString();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring(6))).hasSize(32);

        purchase(u.id(), 200);
        for (int attempt = 1; attempt <= 3; attempt++) {
            int n = attempt;
            await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(endpointId) == n);
            clock.advance(Duration.ofMinutes(5)); // past the backoff (30 s, then 1 min)
        }

        List<LoggedRequest> got = received(path);
        assertThat(got).hasSize(3);
        String id = got.get(0).getHeader("webhook-id");
        assertThat(id).startsWith("msg_");
        for (LoggedRequest r : got) {
            assertThat(r.getHeader("webhook-id")).isEqualTo(id);
            assertThat(r.getHeader("webhook-timestamp")).matches("[0-9]{10}");
            assertThat(r.getBodyAsString()).isEqualTo(got.get(0).getBodyAsString());
            assertThat(verifies(
                            secret,
                            id,
                            r.getHeader("webhook-timestamp"),
                            r.getBodyAsString(),
                            r.getHeader("webhook-signature")))
                    .as("signature of attempt %s", r.getHeader("webhook-timestamp"))
                    .isTrue();
            assertThat(verifies(
                            "whsec_" + Base64.getEncoder().encodeToString(new byte[32]),
                            id,
                            r.getHeader("webhook-timestamp"),
                            r.getBodyAsString(),
                            r.getHeader("webhook-signature")))
                    .isFalse();
        }
        JsonNode body = JSON.readTree(got.get(0).getBodyAsString());
        assertThat(body.get("type").asString()).isEqualTo("credits.granted");
        assertThat(body.get("timestamp").asString()).isNotBlank();
        JsonNode data = body.get("data");
        assertThat(data.get("balance").asLong()).isEqualTo(200);
        assertThat(data.get("held").asLong()).isZero();
        assertThat(data.get("available").asLong()).isEqualTo(200);
        assertThat(data.get("debt").asLong()).isZero();
        assertThat(data.get("change").asLong()).isEqualTo(200);
        assertThat(data.get("reason").asString()).isEqualTo("purchase");

        JsonNode log = api().get("/api/v1/webhook-endpoints/" + endpointId + "/deliveries", u.token())
                .json()
                .get("items");
        assertThat(log).hasSize(1);
        assertThat(log.get(0).get("id").asString()).isEqualTo(id);
        assertThat(log.get(0).get("status").asString()).isEqualTo("DELIVERED");
        assertThat(log.get(0).get("attempts").asInt()).isEqualTo(3);
        JsonNode attempts = log.get(0).get("recentAttempts");
        assertThat(attempts.get(0).get("statusCode").asInt()).isEqualTo(204);
        assertThat(attempts.get(1).get("statusCode").asInt()).isEqualTo(500);
        assertThat(attempts.get(2).get("responseExcerpt").asString()).isEqualTo("boom");
    }

    @Test
    void anEventHandledTwiceEvenConcurrentlyMakesOneDeliveryPerEndpoint() throws Exception {
        TestUsers.TestUser u = testUsers.create(0);
        String p1 = path();
        String p2 = path();
        receiver.stubFor(post(urlEqualTo(p1)).willReturn(aResponse().withStatus(200)));
        receiver.stubFor(post(urlEqualTo(p2)).willReturn(aResponse().withStatus(200)));
        register(u.token(), p1, "credits.granted");
        register(u.token(), p2, "credits.granted", "credits.low");

        String ref = "ord_" + UUID.randomUUID();
        ledger.grant(u.id(), 300, GrantSource.PURCHASE, ref, ref, "pack");
        PurchaseCompleted event = new PurchaseCompleted(u.id(), "pack-300", 300, 990, "USD", ref);
        @SuppressWarnings("unchecked")
        DurableEventHandler<PurchaseCompleted> handler = (DurableEventHandler<PurchaseCompleted>) handlers.stream()
                .filter(h -> h.name().equals("notify.webhook-purchase"))
                .findFirst()
                .orElseThrow();
        CyclicBarrier start = new CyclicBarrier(3);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> runs = List.of(
                    pool.submit(() -> {
                        start.await();
                        handler.handle(event);
                        return null;
                    }),
                    pool.submit(() -> {
                        start.await();
                        handler.handle(event);
                        return null;
                    }),
                    pool.submit(() -> {
                        start.await();
                        tx.executeWithoutResult(s -> events.publish(event));
                        return null;
                    }));
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        handler.handle(event); // and once more, after all of them

        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("""
                                select (select count(*) from webhook_delivery where user_id = :u and status = 'PENDING')
                                     + (select count(*) from scheduled_tasks where task_name = 'durable-event'
                                        and task_instance like 'notify.webhook-purchase:%' || :ref)""")
                                .param("u", u.id())
                                .param("ref", ref)
                                .query(Long.class)
                                .single()
                        == 0);
        assertThat(received(p1)).hasSize(1);
        assertThat(received(p2)).hasSize(1);
        assertThat(jdbc.sql("select count(*) from webhook_delivery where user_id = :u")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    /**
     * Whatever bytes a receiver answers with, the attempt is recorded: a NUL (which PostgreSQL text
     * cannot hold) is kept as U+FFFD, and only a short excerpt is kept, so the delivery log and the
     * retry schedule stay right.
     */
    @Test
    void aReceiverAnsweringWithNulBytesHasItsAttemptsRecordedWithASanitisedExcerpt() {
        TestUsers.TestUser u = testUsers.create(0);
        String path = path();
        byte[] failed = new byte[2_000];
        java.util.Arrays.fill(failed, (byte) 'x');
        failed[0] = 'n';
        failed[1] = 0;
        failed[2] = 'o';
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario(path)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody(failed))
                .willSetStateTo("second"));
        receiver.stubFor(post(urlEqualTo(path))
                .inScenario(path)
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(200).withBody(new byte[] {'o', 'k', 0, 0, (byte) 0xC3})));
        String endpointId =
                register(u.token(), path, "credits.granted").get("id").asString();
        purchase(u.id(), 30);
        await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(endpointId) == 1);
        clock.advance(Duration.ofMinutes(5));
        await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(endpointId) == 2);

        JsonNode d = api().get("/api/v1/webhook-endpoints/" + endpointId + "/deliveries", u.token())
                .json()
                .get("items")
                .get(0);
        assertThat(d.get("status").asString()).isEqualTo("DELIVERED");
        JsonNode attempts = d.get("recentAttempts");
        assertThat(attempts.get(0).get("statusCode").asInt()).isEqualTo(200);
        assertThat(attempts.get(0).get("responseExcerpt").asString()).isEqualTo("ok\uFFFD\uFFFD\uFFFD");
        String first = attempts.get(1).get("responseExcerpt").asString();
        assertThat(first).startsWith("n\uFFFDo").doesNotContain("\u0000");
        assertThat(first.length()).isLessThanOrEqualTo(256);
        assertThat(received(path)).hasSize(2);
    }

    @Test
    void aDeliveryFailingForTheWholeRetryWindowIsFailedForItsOwnerAndCanBeResent() {
        TestUsers.TestUser u = testUsers.create(0);
        String path = path();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(503)));
        String endpointId =
                register(u.token(), path, "credits.granted").get("id").asString();
        purchase(u.id(), 50);
        await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(endpointId) == 1);
        clock.advance(Duration.ofHours(24));
        await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(endpointId) == 2);

        JsonNode d = api().get("/api/v1/webhook-endpoints/" + endpointId + "/deliveries", u.token())
                .json()
                .get("items")
                .get(0);
        assertThat(d.get("status").asString()).isEqualTo("FAILED");
        assertThat(d.get("lastStatusCode").asInt()).isEqualTo(503);
        assertThat(d.get("lastError").asString()).contains("503");
        assertThat(d.has("nextAttemptAt") && !d.get("nextAttemptAt").isNull()).isFalse();

        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        String deliveryId = d.get("id").asString();
        Api.Response resend = api().post(
                        "/api/v1/webhook-endpoints/" + endpointId + "/deliveries/" + deliveryId + "/resend",
                        u.token(),
                        "");
        assertThat(resend.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(endpointId) == 3);
        List<LoggedRequest> got = received(path);
        assertThat(got).hasSize(3);
        assertThat(got.get(2).getHeader("webhook-id")).isEqualTo(deliveryId);
        assertThat(api().get("/api/v1/webhook-endpoints/" + endpointId + "/deliveries", u.token())
                        .json()
                        .get("items")
                        .get(0)
                        .get("status")
                        .asString())
                .isEqualTo("DELIVERED");
    }

    /**
     * A resend starts a fresh attempt schedule: after the resent delivery's first attempt fails, the
     * next comes after the first retry wait (30 s), not the longest wait (2 h) the delivery had reached
     * before the resend; its earlier attempts stay in its history.
     */
    @Test
    void aResentDeliveryIsRetriedOnAFreshScheduleWithItsHistoryKept() {
        TestUsers.TestUser u = testUsers.create(0);
        String path = path();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(503)));
        String endpointId =
                register(u.token(), path, "credits.granted").get("id").asString();
        purchase(u.id(), 50);
        // nine failed attempts in 16 h (each retry due at most 2 h later): the waits reach their cap
        for (int n = 1; n <= 9; n++) {
            int attempts = n;
            await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(endpointId) == attempts);
            if (n < 9) {
                clock.advance(Duration.ofHours(2));
            }
        }
        JsonNode d = api().get("/api/v1/webhook-endpoints/" + endpointId + "/deliveries", u.token())
                .json()
                .get("items")
                .get(0);
        assertThat(d.get("status").asString()).isEqualTo("PENDING");
        String deliveryId = d.get("id").asString();
        assertThat(java.time.Instant.parse(d.get("nextAttemptAt").asString()))
                .as("before the resend: the longest wait")
                .isAfter(clock.instant().plus(Duration.ofMinutes(100)));

        Api.Response resend = api().post(
                        "/api/v1/webhook-endpoints/" + endpointId + "/deliveries/" + deliveryId + "/resend",
                        u.token(),
                        "");
        assertThat(resend.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(endpointId) == 10);
        // the attempt's row and the delivery's next attempt are written in one transaction
        JsonNode after = api().get("/api/v1/webhook-endpoints/" + endpointId + "/deliveries", u.token())
                .json()
                .get("items")
                .get(0);
        assertThat(after.get("status").asString()).isEqualTo("PENDING");
        assertThat(java.time.Instant.parse(after.get("nextAttemptAt").asString()))
                .as("the first retry after a resend waits the first retry wait")
                .isBefore(clock.instant().plus(Duration.ofSeconds(31)));
        assertThat(after.get("attempts").asInt()).as("the history is kept").isEqualTo(10);
        assertThat(after.get("recentAttempts").get(0).get("attempt").asInt()).isEqualTo(10);
    }

    /**
     * A resend asked while an attempt is being sent is not undone by that attempt's failure: the
     * delivery is sent again right after it, not at the retry wait the failed attempt would set.
     */
    @Test
    void aResendDuringAFailingAttemptIsSentRightAfterIt() {
        TestUsers.TestUser u = testUsers.create(0);
        String path = path();
        receiver.stubFor(
                post(urlEqualTo(path)).willReturn(aResponse().withStatus(503).withFixedDelay(3000)));
        String endpointId =
                register(u.token(), path, "credits.granted").get("id").asString();
        purchase(u.id(), 50);
        // the first attempt is claimed (committed before the POST) and is being sent
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.sql("select count(*) from webhook_delivery where endpoint_id = :e and attempts = 1")
                                .param("e", endpointId)
                                .query(Integer.class)
                                .single()
                        == 1);
        assertThat(attemptsRecorded(endpointId)).isZero();
        String deliveryId = jdbc.sql("select id from webhook_delivery where endpoint_id = :e")
                .param("e", endpointId)
                .query(String.class)
                .single();
        Api.Response resend = api().post(
                        "/api/v1/webhook-endpoints/" + endpointId + "/deliveries/" + deliveryId + "/resend",
                        u.token(),
                        "");
        assertThat(resend.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> attemptsRecorded(endpointId) == 1);
        // no clock moved: only the resend makes the second attempt due now (the first's wait is 30 s)
        await().atMost(Duration.ofSeconds(15)).until(() -> received(path).size() == 2);
    }

    /**
     * A deleted account's webhook endpoints get nothing more: its running job fails with
     * ACCOUNT_DELETED, but no event is signed and sent to the URL the deleted user registered, and
     * the endpoints (URL and secret are the user's data) are gone with what was pending for them.
     */
    @Test
    void nothingIsSentToADeletedAccountsEndpoints() {
        TestUsers.TestUser u = testUsers.create(100);
        String path = path();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        register(u.token(), path, "generation.failed", "generation.completed", "credits.granted");
        Api.Response accepted = api().post(
                        "/api/v1/generate-video",
                        u.token(),
                        "{\"model\":\"sora-2\",\"prompt\":\"waves at night\",\"aspectRatio\":\"portrait\","
                                + "\"durationSeconds\":10}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String taskId = accepted.json().get("taskId").asString();

        assertThat(deletion.delete(u.id(), "correct horse battery staple")).isInstanceOf(DeletionOutcome.Deleted.class);

        await().atMost(Duration.ofSeconds(40))
                .until(() -> "FAILED"
                                .equals(jdbc.sql("select state from generation_job where id = :id")
                                        .param("id", taskId)
                                        .query(String.class)
                                        .single())
                        && jdbc.sql("select count(*) from scheduled_tasks where task_name = 'durable-event'"
                                                + " and (task_instance like :finished or task_instance like :deleted)")
                                        .param("finished", "%:generation-finished:" + taskId)
                                        .param("deleted", "%:account-deleted:" + u.id())
                                        .query(Integer.class)
                                        .single()
                                == 0);
        assertThat(jdbc.sql("select count(*) from webhook_delivery where user_id = :u")
                        .param("u", u.id())
                        .query(Integer.class)
                        .single())
                .as("deliveries written or left for the deleted account")
                .isZero();
        assertThat(jdbc.sql("select count(*) from webhook_endpoint where user_id = :u")
                        .param("u", u.id())
                        .query(Integer.class)
                        .single())
                .isZero();
        assertThat(received(path)).isEmpty();
    }
}

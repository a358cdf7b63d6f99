package dev.renderbank.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/webhook-endpoints}: per user (another user's endpoint is a 404), validated (400
 * naming the field, nothing written), capped, CSRF for browser sessions; and {@code
 * generation.completed} carries what the status API shows.
 */
class WebhookEndpointsApiTest extends IntegrationTest {

    static final WireMockServer receiver =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\" content=\"([^\"]+)\"");

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
    Users users;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    Api api() {
        return new Api(port);
    }

    String url(String path) {
        return "http://127.0.0.1:" + receiver.port() + path;
    }

    Api.Response create(String token, String json) {
        return api().post("/api/v1/webhook-endpoints", token, json);
    }

    long endpointsOf(long userId) {
        return jdbc.sql("select count(*) from webhook_endpoint where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .single();
    }

    @Test
    void anotherUsersEndpointIsNotFoundAndItsSecretIsNeverListed() {
        TestUsers.TestUser owner = testUsers.create(0);
        TestUsers.TestUser other = testUsers.create(0);
        Api.Response created =
                create(owner.token(), "{\"url\":\"" + url("/own") + "\",\"events\":[\"generation.completed\"]}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asString();
        String secret = created.json().get("secret").asString();

        Api.Response list = api().get("/api/v1/webhook-endpoints", owner.token());
        assertThat(list.json().get("items")).hasSize(1);
        assertThat(list.json().get("items").get(0).get("url").asString()).isEqualTo(url("/own"));
        assertThat(list.body()).doesNotContain(secret).doesNotContain("whsec_");
        assertThat(api().get("/api/v1/webhook-endpoints", other.token()).json().get("items"))
                .isEmpty();

        assertThat(api().get("/api/v1/webhook-endpoints/" + id + "/deliveries", other.token())
                        .status())
                .isEqualTo(404);
        assertThat(api().post("/api/v1/webhook-endpoints/" + id + "/deliveries/msg_x/resend", other.token(), "")
                        .status())
                .isEqualTo(404);
        assertThat(delete(other.token(), id)).isEqualTo(404);
        assertThat(endpointsOf(owner.id())).isEqualTo(1);

        assertThat(api().get("/api/v1/webhook-endpoints/" + id + "/deliveries", owner.token())
                        .json()
                        .get("items"))
                .isEmpty();
        assertThat(delete(owner.token(), id)).isEqualTo(204);
        assertThat(delete(owner.token(), id)).isEqualTo(404);
        assertThat(endpointsOf(owner.id())).isZero();
    }

    @Test
    void badInputIsA400NamingTheFieldAndWritesNothing() {
        TestUsers.TestUser u = testUsers.create(0);
        String ok = "\"events\":[\"credits.low\"]";
        List<String[]> cases = List.of(
                new String[] {"{" + ok + "}", "url"},
                new String[] {"{\"url\":\"ftp://example.com/x\"," + ok + "}", "url"},
                new String[] {"{\"url\":\"https://169.254.169.254/latest/meta-data/\"," + ok + "}", "url"},
                new String[] {"{\"url\":\"http://[fe80::1]/\"," + ok + "}", "url"},
                new String[] {"{\"url\":\"https://no-such-host.invalid/hook\"," + ok + "}", "url"},
                new String[] {"{\"url\":\"" + url("/x") + "\",\"events\":[]}", "events"},
                new String[] {"{\"url\":\"" + url("/x") + "\"}", "events"},
                new String[] {"{\"url\":\"" + url("/x") + "\",\"events\":[\"payment.done\"]}", "events"});
        for (String[] c : cases) {
            Api.Response r = create(u.token(), c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(400);
            assertThat(r.header("Content-Type")).contains("application/problem+json");
            assertThat(r.json().get("errors").get(0).get("field").asString())
                    .as(c[0])
                    .isEqualTo(c[1]);
        }
        assertThat(create(u.token(), "{\"url\":\"" + url("/x") + "\",\"events\":\"credits.low\"}")
                        .status())
                .isEqualTo(400);
        assertThat(endpointsOf(u.id())).isZero();
    }

    /**
     * The request's own mistakes are all said at once, before the URL's host is looked up: a missing
     * or unknown event was reported only once the host resolved, after "does not resolve" first.
     */
    @Test
    void everyMistakeOfTheRequestIsSaidAtOnceBeforeTheHostIsLookedUp() {
        TestUsers.TestUser u = testUsers.create(0);
        Api.Response both = create(u.token(), "{\"url\":\"ftp://example.com/hook\",\"events\":[]}");
        assertThat(both.status()).as(both.body()).isEqualTo(400);
        assertThat(both.json().get("errors")).hasSize(2);
        assertThat(both.json().get("errors").get(0).get("field").asString()).isEqualTo("url");
        assertThat(both.json().get("errors").get(0).get("message").asString()).isEqualTo("must be an https URL");
        assertThat(both.json().get("errors").get(1).get("field").asString()).isEqualTo("events");
        assertThat(both.json().get("detail").asString())
                .contains("url must be an https URL")
                .contains("events");

        // an unknown event is said without looking up a host that would not resolve
        Api.Response events =
                create(u.token(), "{\"url\":\"https://no-such-host.invalid/hook\",\"events\":[\"payment.done\"]}");
        assertThat(events.status()).as(events.body()).isEqualTo(400);
        assertThat(events.json().get("errors")).hasSize(1);
        assertThat(events.json().get("errors").get(0).get("field").asString()).isEqualTo("events");
        assertThat(endpointsOf(u.id())).isZero();
    }

    /**
     * A URL whose port no connection can use (0, above 65535) is refused when it is registered, not
     * discovered when deliveries start failing: 422 naming the url and the valid range.
     */
    @Test
    void aUrlWithAPortNoConnectionCanUseIsA422SayingWhatToFix() {
        TestUsers.TestUser u = testUsers.create(0);
        for (String bad : List.of(
                "http://127.0.0.1:0/x",
                "http://127.0.0.1:99999/x",
                "http://127.0.0.1:65536/x",
                "http://127.0.0.1:99999999999/x",
                "https://example.com:0/hook",
                "https://[::1]:70000/hook")) {
            Api.Response r = create(u.token(), "{\"url\":\"" + bad + "\",\"events\":[\"credits.low\"]}");
            assertThat(r.status()).as(bad + " " + r.body()).isEqualTo(422);
            assertThat(r.header("Content-Type")).contains("application/problem+json");
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("url");
            assertThat(r.json().get("detail").asString()).as(bad).contains("between 1 and 65535");
        }
        assertThat(endpointsOf(u.id())).isZero();
        // a usable port is accepted, and so is the scheme's default
        assertThat(create(u.token(), "{\"url\":\"" + url("/x") + "\",\"events\":[\"credits.low\"]}")
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aUserHasAtMostTheConfiguredNumberOfEndpoints() {
        TestUsers.TestUser u = testUsers.create(0);
        for (int i = 0; i < 10; i++) {
            String body = "{\"url\":\"" + url("/cap-" + i) + "\",\"events\":[\"credits.low\"]}";
            assertThat(create(u.token(), body).status()).isEqualTo(201);
        }
        Api.Response refused = create(u.token(), "{\"url\":\"" + url("/cap-10") + "\",\"events\":[\"credits.low\"]}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.body()).contains("webhook-endpoint-limit");
        assertThat(endpointsOf(u.id())).isEqualTo(10);
    }

    /**
     * A URL is registered once per user: a double submit or a retried request (two at once here) made
     * a second endpoint with another secret, so every event was delivered twice under two webhook-ids
     * (a receiver deduplicating by id processed both; one checking signatures refused one each time).
     */
    @Test
    void theSameUrlTwiceAtOnceMakesOneEndpoint() throws Exception {
        TestUsers.TestUser u = testUsers.create(0);
        String body = "{\"url\":\"" + url("/twice") + "\",\"events\":[\"credits.low\"]}";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.Callable<Api.Response> one = () -> {
                go.await();
                return create(u.token(), body);
            };
            var a = pool.submit(one);
            var b = pool.submit(one);
            go.countDown();
            List<Integer> statuses = List.of(
                    a.get(1, java.util.concurrent.TimeUnit.MINUTES).status(),
                    b.get(1, java.util.concurrent.TimeUnit.MINUTES).status());
            assertThat(statuses).containsExactlyInAnyOrder(201, 409);
        } finally {
            pool.shutdownNow();
        }
        Api.Response again = create(u.token(), body);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("type").asString()).contains("webhook-endpoint-exists");
        assertThat(again.json().get("endpointId").asString()).startsWith("we_");
        assertThat(endpointsOf(u.id())).isEqualTo(1);
    }

    @Test
    void aBrowserSessionNeedsItsCsrfTokenToCreateOrDelete() throws Exception {
        UserAccount user =
                users.create("wh-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
        BrowserSession s = BrowserSession.signIn(port, user.email(), "a-long-password-123");
        String body = "{\"url\":\"" + url("/session") + "\",\"events\":[\"credits.low\"]}";
        HttpResponse<String> forged = s.send(json("POST", "/api/v1/webhook-endpoints", body));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(endpointsOf(user.id())).isZero();

        Matcher m = CSRF.matcher(s.get("/account/webhooks").body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> created =
                s.send(json("POST", "/api/v1/webhook-endpoints", body).header("X-CSRF-TOKEN", m.group(1)));
        assertThat(created.statusCode()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asString();
        assertThat(s.send(json("DELETE", "/api/v1/webhook-endpoints/" + id, "")).statusCode())
                .isEqualTo(403);
        assertThat(s.send(json("DELETE", "/api/v1/webhook-endpoints/" + id, "").header("X-CSRF-TOKEN", m.group(1)))
                        .statusCode())
                .isEqualTo(204);
    }

    @Test
    void generationCompletedCarriesTheStatusApisFieldsOfTheJob() {
        TestUsers.TestUser u = testUsers.create(100);
        String path = "/gen/" + UUID.randomUUID();
        receiver.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(200)));
        assertThat(create(
                                u.token(),
                                "{\"url\":\"" + url(path)
                                        + "\",\"events\":[\"generation.completed\",\"generation.failed\"]}")
                        .status())
                .isEqualTo(201);
        String taskId = api().post(
                        "/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"a webhook fox\"}")
                .json()
                .get("taskId")
                .asString();
        JsonNode status = api().awaitTerminal(taskId, u.token());
        assertThat(status.get("status").asString()).isEqualTo("completed");

        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        !receiver.findAll(postRequestedFor(urlEqualTo(path))).isEmpty());
        LoggedRequest r = receiver.findAll(postRequestedFor(urlEqualTo(path))).get(0);
        JsonNode body = JSON.readTree(r.getBodyAsString());
        assertThat(body.get("type").asString()).isEqualTo("generation.completed");
        JsonNode data = body.get("data");
        for (String field :
                List.of("taskId", "type", "model", "status", "progress", "creditsHeld", "creditsCharged", "assetUrl")) {
            assertThat(data.get(field)).as(field).isEqualTo(status.get(field));
        }
        assertThat(Duration.between(
                                java.time.Instant.parse(data.get("completedAt").asString()),
                                java.time.Instant.parse(
                                        status.get("completedAt").asString()))
                        .abs())
                .isLessThan(Duration.ofMillis(1));
    }

    private int delete(String token, String id) {
        try {
            return java.net.http.HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            URI.create("http://localhost:" + port + "/api/v1/webhook-endpoints/" + id))
                                    .header("Authorization", "Bearer " + token)
                                    .DELETE()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder json(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
}

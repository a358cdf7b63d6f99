package dev.renderbank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.Api;
import dev.renderbank.support.EveryRouteTest;
import dev.renderbank.support.TestUsers.TestUser;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON body a user or an operator sends with a field its request does not have (a misspelt name,
 * a field of another request) is refused with a 400 problem+json naming that field, and nothing is
 * changed: ignored, the client got a 2xx and the default instead of what it asked for. One test per
 * route family; HostileInputTest holds every body route to it. What outside systems send (provider
 * callbacks, payment webhooks) keeps taking fields renderbank does not know.
 */
class UnknownBodyFieldsTest extends EveryRouteTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    Ledger ledger;

    private TestUser user;
    private Api api;

    @BeforeEach
    void setUp() {
        user = testUsers.create(100);
        api = new Api(port);
    }

    @Test
    void aTokenRequestWithAFieldItDoesNotHaveCreatesNoToken() throws Exception {
        Session session = signIn(user.email(), "/account/tokens");
        long tokens = tokensOf(user.id());

        HttpResponse<String> r = session.browser()
                .send(json("POST", "/api/v1/tokens", "{\"name\":\"ci\",\"expiresInDays\":30}")
                        .header("X-CSRF-TOKEN", session.csrf()));

        assertRefusedNaming(
                r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), "expiresInDays");
        assertThat(JSON.readTree(r.body()).path("detail").asString()).contains("expiresAt", "name");
        assertThat(tokensOf(user.id())).isEqualTo(tokens);
    }

    @Test
    void aTimeZoneChangeWithAFieldItDoesNotHaveChangesNothing() {
        assertRefused(send("PATCH", "/api/v1/me", user.token(), "{\"timezone\":\"Europe/Berlin\"}"), "timezone");
        assertRefused(
                send("PATCH", "/api/v1/me", user.token(), "{\"timeZone\":\"Europe/Berlin\",\"locale\":\"de\"}"),
                "locale");
        assertThat(users.byId(user.id()).map(UserAccount::timeZone)).contains("UTC");
    }

    @Test
    void notificationSettingsWithAFieldTheyDoNotHaveChangeNothing() {
        JsonNode before = api.get("/api/v1/notification-settings", user.token()).json();

        assertRefused(
                send(
                        "PUT",
                        "/api/v1/notification-settings",
                        user.token(),
                        "{\"generationEmails\":"
                                + !before.path("generationEmails").asBoolean() + ",\"creditsLowThreshhold\":50}"),
                "creditsLowThreshhold");

        assertThat(api.get("/api/v1/notification-settings", user.token()).json())
                .isEqualTo(before);
    }

    @Test
    void aWebhookEndpointWithAFieldItDoesNotHaveIsNotRegistered() {
        assertRefused(
                send(
                        "POST",
                        "/api/v1/webhook-endpoints",
                        user.token(),
                        "{\"url\":\"https://example.com/hook\",\"events\":[\"generation.completed\"],"
                                + "\"secret\":\"whsec_mine\"}"),
                "secret");
        assertThat(api.get("/api/v1/webhook-endpoints", user.token())
                        .json()
                        .path("items")
                        .size())
                .isZero();
    }

    @Test
    void aCheckoutWithAFieldItDoesNotHaveOpensNoCheckout() {
        assertRefused(
                send("POST", "/api/v1/checkout", user.token(), "{\"product\":\"pack-200\",\"quantity\":3}"),
                "quantity");
        assertThat(jdbc.sql("select count(*) from billing_checkout where user_id = :u")
                        .param("u", user.id())
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void anOperatorsActionWithAFieldItDoesNotHaveDoesNothing() {
        String admin = newAdmin().token();
        long id = user.id();

        assertRefused(
                send(
                        "POST",
                        "/api/v1/admin/users/" + id + "/grants",
                        admin,
                        "{\"amount\":10,\"reason\":\"apology\",\"notifyUser\":true}"),
                "notifyUser");
        assertThat(ledger.balance(id).available()).isEqualTo(100);

        assertRefused(
                send("POST", "/api/v1/admin/users/" + id + "/suspend", admin, "{\"reason\":\"r\",\"until\":\"2030\"}"),
                "until");
        assertThat(api.get("/api/v1/credits", user.token()).status())
                .as("not suspended")
                .isEqualTo(200);

        try {
            assertRefused(
                    send("PUT", "/api/v1/admin/switches/sales", admin, "{\"paused\":true,\"mesage\":\"back at noon\"}"),
                    "mesage");
            assertThat(api.get("/api/v1/admin/switches", admin).body()).doesNotContain("back at noon");
        } finally {
            send("PUT", "/api/v1/admin/switches/sales", admin, "{\"paused\":false}");
        }

        assertRefused(
                send("POST", "/api/v1/admin/mail/999999999/resend", admin, "{\"reason\":\"r\",\"force\":true}"),
                "force");
        assertRefused(
                send(
                        "POST",
                        "/api/v1/admin/disputes/999999999/close",
                        admin,
                        "{\"outcome\":\"won\",\"reason\":\"r\",\"amount\":5}"),
                "amount");
    }

    /**
     * A provider callback may carry fields renderbank has never seen (KIE adds them): they are not
     * what it answers about. Here the job does not exist, so the answer is the usual 401.
     */
    @Test
    void aProviderCallbackWithFieldsRenderbankDoesNotKnowIsNotRefusedForThem() {
        Api.Response r = api.post(
                "/api/provider/kie/callback/gen_nothing?token=x",
                null,
                "{\"code\":200,\"msg\":\"ok\",\"newTopLevel\":1,"
                        + "\"data\":{\"taskId\":\"t-1\",\"state\":\"success\",\"newInData\":{\"a\":[1]}}}");
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.body()).doesNotContain("newTopLevel").doesNotContain("newInData");
    }

    private long tokensOf(long userId) {
        return jdbc.sql("select count(*) from api_token where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .single();
    }

    private static void assertRefused(Api.Response r, String field) {
        assertRefusedNaming(r.status(), r.header("Content-Type"), r.body(), field);
    }

    private static void assertRefusedNaming(int status, String contentType, String body, String field) {
        assertThat(status).as(body).isEqualTo(400);
        assertThat(contentType).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(body);
        assertThat(problem.path("errors").get(0).path("field").asString())
                .as(body)
                .isEqualTo(field);
        assertThat(problem.path("errors").get(0).path("message").asString())
                .as(body)
                .startsWith("is not a field of this request");
        assertThat(problem.path("detail").asString()).as(body).startsWith(field + " is not a field");
    }

    private HttpRequest.Builder json(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
    }

    private Api.Response send(String method, String path, String token, String body) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "application/json")
                            // the operators' actions require one: without it they refuse before acting
                            .header(
                                    "Idempotency-Key",
                                    java.util.UUID.randomUUID().toString())
                            .method(method, HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Api.Response(r.statusCode(), r.body(), r.headers().map());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}

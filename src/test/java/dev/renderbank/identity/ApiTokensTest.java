package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The API token lifecycle of CONTRACT "API tokens": create once, list without secrets, revoke at once. */
class ApiTokensTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    Api api;
    TestUsers.TestUser user;
    SessionApi session;

    @BeforeEach
    void signIn() throws Exception {
        api = new Api(port);
        user = testUsers.create(0);
        session = SessionApi.signIn(port, user.email(), PASSWORD, "/account/tokens");
    }

    JsonNode create(String body) throws Exception {
        HttpResponse<String> r = session.call("POST", "/api/v1/tokens", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    JsonNode list() throws Exception {
        HttpResponse<String> r = session.call("GET", "/api/v1/tokens", null);
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).get("items");
    }

    @Test
    void aCreatedTokenWorksIsListedWithoutItsSecretAndIsRefusedRightAfterRevoking() throws Exception {
        JsonNode created = create("{\"name\":\"render script\"}");
        String token = created.get("token").asString();
        assertThat(token).startsWith("rb_");
        assertThat(created.get("name").asString()).isEqualTo("render script");

        assertThat(api.get("/api/v1/credits", token).status()).isEqualTo(200);

        HttpResponse<String> listed = session.call("GET", "/api/v1/tokens", null);
        assertThat(listed.body()).doesNotContain(token).contains("render script");
        JsonNode mine = find(list(), created.get("id").asLong());
        assertThat(mine.get("createdAt").isNull()).isFalse();
        assertThat(mine.get("lastUsedAt").isNull())
                .as("the call above was recorded")
                .isFalse();
        assertThat(mine.get("expiresAt").isNull()).isTrue();
        // the page lists it too, and never shows the secret again
        assertThat(session.browser().get("/account/tokens").body())
                .contains("render script")
                .doesNotContain(token);

        HttpResponse<String> revoked = session.call("DELETE", "/api/v1/tokens/" + created.get("id"), null);
        assertThat(revoked.statusCode()).isEqualTo(204);
        Api.Response after = api.get("/api/v1/credits", token);
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.header("Content-Type")).startsWith("application/problem+json");
        assertThat(find(list(), created.get("id").asLong())).isNull();
        assertThat(session.call("DELETE", "/api/v1/tokens/" + created.get("id"), null)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aBearerTokenCanNeitherCreateNorRevokeTokens() throws Exception {
        String token = user.token();
        Api.Response mint = api.post("/api/v1/tokens", token, "{\"name\":\"successor\"}");
        assertThat(mint.status()).isEqualTo(403);
        assertThat(mint.header("Content-Type")).startsWith("application/problem+json");
        assertThat(mint.json().get("detail").asString()).contains("browser session");
        assertThat(list()).hasSize(1);

        long id = list().get(0).get("id").asLong();
        Api.Response revoke = send(token, "DELETE", "/api/v1/tokens/" + id);
        assertThat(revoke.status()).isEqualTo(403);
        assertThat(api.get("/api/v1/credits", token).status()).isEqualTo(200);
    }

    @Test
    void theSessionMustSendTheCsrfToken() throws Exception {
        HttpResponse<String> r = session.call("POST", "/api/v1/tokens", "{\"name\":\"x\"}", false);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(list()).hasSize(1);
        // what to fix, not the refusal an account without the right gets
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.path("type").asString()).endsWith("csrf-token-missing");
        assertThat(problem.path("detail").asString())
                .contains("X-CSRF-TOKEN")
                // a Bearer token is no way out on the token routes, which refuse it
                .contains("not for creating or revoking API tokens");
    }

    /** A date where an instant is expected is a string: the answer says which format, not "wrong JSON type". */
    @Test
    void anExpiryInTheWrongFormatSaysWhichFormat() throws Exception {
        HttpResponse<String> r =
                session.call("POST", "/api/v1/tokens", "{\"name\":\"x\",\"expiresAt\":\"2026-12-31\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode problem = JSON.readTree(r.body());
        assertThat(problem.path("errors").get(0).path("field").asString()).isEqualTo("expiresAt");
        assertThat(problem.path("detail").asString())
                .doesNotContain("wrong JSON type")
                .contains("ISO-8601");
        assertThat(list()).hasSize(1);
    }

    @Test
    void anotherUsersTokenIdIsNotFoundAndStaysLive() throws Exception {
        TestUsers.TestUser other = testUsers.create(0);
        SessionApi otherSession = SessionApi.signIn(port, other.email(), PASSWORD, "/account/tokens");
        JsonNode theirs = JSON.readTree(otherSession
                .call("POST", "/api/v1/tokens", "{\"name\":\"theirs\"}")
                .body());

        HttpResponse<String> r = session.call("DELETE", "/api/v1/tokens/" + theirs.get("id"), null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(api.get("/api/v1/credits", theirs.get("token").asString()).status())
                .isEqualTo(200);
        assertThat(list().toString()).doesNotContain("theirs");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        // whole seconds: the column keeps microseconds
        Instant expires = clock.instant().plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JsonNode created = create("{\"name\":\"short\",\"expiresAt\":\"" + expires + "\"}");
        String token = created.get("token").asString();
        assertThat(api.get("/api/v1/credits", token).status()).isEqualTo(200);
        assertThat(find(list(), created.get("id").asLong()).get("expiresAt").asString())
                .isEqualTo(expires.toString());

        clock.advance(Duration.ofDays(1));
        assertThat(api.get("/api/v1/credits", token).status()).isEqualTo(401);
        assertThat(find(list(), created.get("id").asLong()))
                .as("listed as expired until revoked")
                .isNotNull();
    }

    @Test
    void theLastUseIsWrittenAtMostOnceAMinute() throws Exception {
        JsonNode created = create("{\"name\":\"busy\"}");
        String token = created.get("token").asString();
        long id = created.get("id").asLong();
        assertThat(find(list(), id).get("lastUsedAt").isNull()).isTrue();

        api.get("/api/v1/credits", token);
        String first = find(list(), id).get("lastUsedAt").asString();
        clock.advance(Duration.ofSeconds(30));
        api.get("/api/v1/credits", token);
        assertThat(find(list(), id).get("lastUsedAt").asString()).isEqualTo(first);

        clock.advance(Duration.ofSeconds(31));
        api.get("/api/v1/credits", token);
        assertThat(find(list(), id).get("lastUsedAt").asString()).isNotEqualTo(first);
    }

    @Autowired
    javax.sql.DataSource dataSource;

    @Autowired
    dev.renderbank.identity.internal.TokenUses uses;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /**
     * A bearer call never stores its token's last use itself (issue 15: that was a durable commit on
     * the request path once a minute per token, all tokens at once after a quiet minute): while another
     * transaction holds the token's row, the call is answered and listed as used, and the use is stored
     * once the row is free.
     */
    @Test
    void aCallDoesNotWaitForItsTokensLastUseToBeStored() throws Exception {
        JsonNode created = create("{\"name\":\"held\"}");
        String token = created.get("token").asString();
        long id = created.get("id").asLong();
        Instant before;
        try (java.sql.Connection c = dataSource.getConnection();
                java.sql.Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("select id from api_token where id = " + id + " for update");
            before = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            var call = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return api.get("/api/v1/credits", token).status();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(call.get(20, java.util.concurrent.TimeUnit.SECONDS))
                    .as("answered while the token's row is held")
                    .isEqualTo(200);
            assertThat(find(list(), id).get("lastUsedAt").isNull())
                    .as("listed as used before it is stored")
                    .isFalse();
            // the writer's pass now waits for the held row; the use is still listed meanwhile (it was
            // taken out of the pending uses before the statement and listed as never used)
            var writing = java.util.concurrent.CompletableFuture.runAsync(uses::write);
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> jdbc.sql("""
                            select count(*) from pg_stat_activity
                             where wait_event_type = 'Lock' and query like 'update api_token t set last_used_at%'""").query(Long.class).single() > 0);
            assertThat(find(list(), id).get("lastUsedAt").isNull())
                    .as("listed as used while its write waits for the row")
                    .isFalse();
            c.rollback();
            writing.get(20, java.util.concurrent.TimeUnit.SECONDS);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> storedUse(id) != null);
        assertThat(storedUse(id)).isBetween(before, clock.instant());
    }

    /** Stored uses only move forward: an older use written later (another node's, say) changes nothing. */
    @Test
    void aStoredUseNeverMovesBack() throws Exception {
        long id = create("{\"name\":\"two nodes\"}").get("id").asLong();
        Instant later = clock.instant().plusSeconds(90);
        uses.record(id, later);
        uses.write();
        uses.record(id, later.minusSeconds(60));
        uses.write();
        assertThat(storedUse(id)).isEqualTo(later.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    /**
     * A token's last use reads the same before and after it is stored: the list shows a use not yet
     * written as it will be stored (milliseconds), never a finer time that then changes by itself.
     */
    @Test
    void theListedLastUseDoesNotChangeWhenItIsStored() throws Exception {
        long id = create("{\"name\":\"precise\"}").get("id").asLong();
        uses.record(id, Instant.parse("2026-12-02T15:44:35.083708936Z"));
        String pending = find(list(), id).get("lastUsedAt").asString();
        uses.write();
        assertThat(find(list(), id).get("lastUsedAt").asString()).isEqualTo(pending);
    }

    private Instant storedUse(long id) {
        return org.springframework.jdbc.core.simple.JdbcClient.create(dataSource)
                .sql("select last_used_at from api_token where id = :id")
                .param("id", id)
                .query((rs, n) ->
                        java.util.Optional.ofNullable(dev.renderbank.platform.SqlTime.instant(rs, "last_used_at")))
                .single()
                .orElse(null);
    }

    @Test
    void badInputIsRefusedWithTheFieldAndWritesNothing() throws Exception {
        assertInvalid("{\"name\":\"\"}", 400, "name");
        assertInvalid("{\"name\":\"" + "x".repeat(101) + "\"}", 400, "name");
        assertInvalid(
                "{\"name\":\"late\",\"expiresAt\":\"" + clock.instant().minusSeconds(1) + "\"}", 400, "expiresAt");
        assertInvalid(
                "{\"name\":\"far\",\"expiresAt\":\"" + clock.instant().plus(Duration.ofDays(366)) + "\"}",
                400,
                "expiresAt");
        assertInvalid("{\"name\":\"x\",\"expiresAt\":\"tomorrow\"}", 400, "expiresAt");
        assertThat(list()).hasSize(1);
    }

    @Test
    void liveTokensPerUserAreCapped() throws Exception {
        for (int i = list().size(); i < 20; i++) {
            create("{\"name\":\"t" + i + "\"}");
        }
        assertInvalid("{\"name\":\"one too many\"}", 422, "name");
        assertThat(list()).hasSize(20);
        session.call("DELETE", "/api/v1/tokens/" + list().get(0).get("id"), null);
        create("{\"name\":\"after revoking one\"}");
    }

    void assertInvalid(String body, int status, String field) throws Exception {
        HttpResponse<String> r = session.call("POST", "/api/v1/tokens", body);
        assertThat(r.statusCode()).as(body).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(r.body()).get("errors").get(0).get("field").asString())
                .isEqualTo(field);
    }

    Api.Response send(String token, String method, String path) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        var r = http.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                        .header("Authorization", "Bearer " + token)
                        .method(method, java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Api.Response(r.statusCode(), r.body(), r.headers().map());
    }

    static JsonNode find(JsonNode items, long id) {
        for (JsonNode item : items) {
            if (item.get("id").asLong() == id) {
                return item;
            }
        }
        return null;
    }
}

package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.IdentitySweep;
import dev.renderbank.platform.SqlTime;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * API token rows do not grow without end: a user creates at most {@code
 * renderbank.tokens.max-created-per-day} tokens in 24 hours (revoking does not give one back), the
 * list and the page read the live tokens and only the most recently expired ones, and the identity
 * sweep deletes tokens revoked or expired {@code renderbank.retention.api-tokens} (30 days) ago.
 */
class ApiTokenGrowthTest extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Autowired
    ApiTokenProperties limits;

    @Autowired
    IdentitySweep sweep;

    @Autowired
    JdbcClient jdbc;

    TestUsers.TestUser user;
    SessionApi session;

    @BeforeEach
    void signIn() throws Exception {
        user = testUsers.create(0);
        session = SessionApi.signIn(port, user.email(), ApiTokensTest.PASSWORD, "/account/tokens");
    }

    @Test
    void creatingAndRevokingInALoopStopsAtTheDailyCreationCap() throws Exception {
        int max = limits.maxCreatedPerDay();
        assertThat(max)
                .as("below the live cap, or the live cap would answer first")
                .isGreaterThan(0);
        clock.freeze();
        Instant first = clock.instant();
        // the test user's own token, created outside the window: each creation below counts
        jdbc.sql("update api_token set created_at = :c where user_id = :u")
                .param("c", SqlTime.ts(first.minus(Duration.ofDays(2))))
                .param("u", user.id())
                .update();
        for (int i = 0; i < max; i++) {
            HttpResponse<String> created = session.call("POST", "/api/v1/tokens", "{\"name\":\"loop " + i + "\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            long id = JSON.readTree(created.body()).get("id").asLong();
            assertThat(session.call("DELETE", "/api/v1/tokens/" + id, null).statusCode())
                    .isEqualTo(204);
            clock.advance(Duration.ofMinutes(1));
        }

        HttpResponse<String> refused = session.call("POST", "/api/v1/tokens", "{\"name\":\"one more\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.get("type").asString()).endsWith("token-creation-limit");
        assertThat(problem.get("limit").asInt()).isEqualTo(max);
        assertThat(problem.get("detail").asString())
                .contains("At most " + max + " API tokens")
                .contains("24 hours");
        // free again once the first creation is a day old
        long wait = Duration.between(clock.instant(), first.plus(Duration.ofDays(1)))
                .toSeconds();
        assertThat(problem.get("retryAfterSeconds").asLong()).isEqualTo(wait);
        assertThat(refused.headers().firstValue("Retry-After"))
                .contains(problem.get("retryAfterSeconds").asString());
        assertThat(liveTokens()).as("nothing issued").isEqualTo(1);

        clock.advance(Duration.ofSeconds(wait + 1));
        assertThat(session.call("POST", "/api/v1/tokens", "{\"name\":\"a day later\"}")
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void theListAndThePageReadTheLiveTokensAndOnlyTheLastExpiredOnes() throws Exception {
        Instant now = clock.instant();
        for (int i = 0; i < 300; i++) {
            insert("expired " + i, now.minus(Duration.ofDays(2)), now.minus(Duration.ofHours(300 - i)), null);
        }
        insert("revoked", now.minus(Duration.ofDays(2)), null, now.minus(Duration.ofHours(1)));

        HttpResponse<String> listed = session.call("GET", "/api/v1/tokens", null);
        assertThat(listed.statusCode()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        JSON.readTree(listed.body())
                .get("items")
                .forEach(t -> names.add(t.get("name").asString()));
        List<String> lastExpired = new ArrayList<>();
        for (int i = 299; i >= 300 - ApiTokens.EXPIRED_LISTED; i--) {
            lastExpired.add("expired " + i);
        }
        assertThat(names)
                .as("the live token (the test user's) and the %d that expired last", ApiTokens.EXPIRED_LISTED)
                .hasSize(1 + ApiTokens.EXPIRED_LISTED)
                .containsAll(lastExpired)
                .doesNotContain("expired 0", "revoked");

        String page = session.browser().get("/account/tokens").body();
        assertThat(page).contains("expired 299").doesNotContain("expired 0<", "expired 1<");

        // the export pages through every unrevoked token
        JsonNode export = JSON.readTree(session.browser().get("/account/export").body());
        assertThat(export.get("apiTokens")).hasSize(301);
    }

    @Test
    void theSweepDeletesTokensRevokedOrExpiredThirtyDaysAgo() {
        Instant now = clock.instant();
        Instant longAgo = now.minus(Duration.ofDays(40));
        long revokedLongAgo = insert("revoked long ago", longAgo, null, now.minus(Duration.ofDays(31)));
        long expiredLongAgo = insert("expired long ago", longAgo, now.minus(Duration.ofDays(31)), null);
        long revokedLately = insert("revoked lately", longAgo, null, now.minus(Duration.ofDays(29)));
        long expiredLately = insert("expired lately", longAgo, now.minus(Duration.ofDays(29)), null);
        long live = insert("live", longAgo, now.plus(Duration.ofDays(1)), null);
        long forever = insert("no expiry", longAgo, null, null);

        IdentitySweep.Swept swept = sweep.sweep(now);

        assertThat(swept.apiTokens()).isGreaterThanOrEqualTo(2);
        assertThat(jdbc.sql("select id from api_token where user_id = :u")
                        .param("u", user.id())
                        .query(Long.class)
                        .list())
                .contains(revokedLately, expiredLately, live, forever)
                .doesNotContain(revokedLongAgo, expiredLongAgo);
    }

    @Test
    void aRetentionShorterThanTheCreationWindowIsRefusedAtStart() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new dev.renderbank.identity.internal.RetentionProperties(
                                Duration.ofHours(1),
                                Duration.ofDays(7),
                                Duration.ofDays(30),
                                Duration.ofHours(23),
                                Duration.ofDays(365)))
                .hasMessageContaining("renderbank.retention.api-tokens");
    }

    private long insert(String name, Instant created, Instant expires, Instant revoked) {
        return jdbc.sql("""
                        insert into api_token (user_id, token_hash, name, created_at, expires_at, revoked_at)
                        values (:u, :h, :n, :c, :e, :r) returning id""")
                .param("u", user.id())
                .param("h", UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .param("n", name)
                .param("c", SqlTime.ts(created))
                .param("e", expires == null ? null : SqlTime.ts(expires))
                .param("r", revoked == null ? null : SqlTime.ts(revoked))
                .query(Long.class)
                .single();
    }

    private long liveTokens() {
        return jdbc.sql("select count(*) from api_token where user_id = :u and revoked_at is null")
                .param("u", user.id())
                .query(Long.class)
                .single();
    }
}

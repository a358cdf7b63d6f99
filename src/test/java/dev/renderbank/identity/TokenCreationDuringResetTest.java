package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.EmailTokenStore.Purpose;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A password reset is account recovery: it ends every session and revokes every API token, because
 * whoever knew the old password could have signed in and minted tokens. A session issuing a token
 * while the reset is under way must not mint one that outlives it: the issue waits for the reset (both
 * lock the account's row) and then finds its session ended. It used to insert a live token once the
 * reset had committed, so the old password's holder kept API access after the recovery.
 */
class TokenCreationDuringResetTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Passwords passwords;

    @Autowired
    EmailTokenStore links;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aTokenIssuedByASessionWhileAResetIsUnderWayDoesNotOutliveTheReset() throws Exception {
        TestUsers.TestUser u = users.create(0);
        SessionApi intruder = SessionApi.signIn(port, u.email(), PASSWORD, "/account/tokens");
        String token = Users.newSecret();
        var now = clock.instant();
        links.insert(u.id(), Purpose.RESET, token, now, now.plus(Duration.ofHours(1)));
        long other = links.insert(u.id(), Purpose.RESET, Users.newSecret(), now, now.plus(Duration.ofHours(1)));

        CompletableFuture<Passwords.Outcome> reset = new CompletableFuture<>();
        CompletableFuture<HttpResponse<String>> issued = new CompletableFuture<>();
        tx.executeWithoutResult(s -> {
            // holds the user's other open link: the reset, which ends all of them while it holds the
            // account's row, waits here
            jdbc.sql("select id from email_token where id = :id for update")
                    .param("id", other)
                    .query(Long.class)
                    .single();
            Concurrently.completeInBackground(reset, () -> passwords.reset(token, "a brand new passphrase 42"));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> LockWaits.waiting(jdbc) >= 1 || reset.isDone());
            Concurrently.completeInBackground(issued, () -> {
                try {
                    return intruder.call("POST", "/api/v1/tokens", "{\"name\":\"keep\"}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> LockWaits.waiting(jdbc) >= 2 || issued.isDone() || reset.isDone());
        });

        assertThat(reset.get(30, TimeUnit.SECONDS)).isInstanceOf(Passwords.Outcome.Changed.class);
        HttpResponse<String> answer = issued.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(jdbc.sql("select count(*) from api_token where user_id = :u and revoked_at is null")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .as("live tokens after the reset")
                .isZero();
    }
}

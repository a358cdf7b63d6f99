package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An operator suspends the account while its owner's browser is issuing a new API token. The issue
 * passed the per-request account check before the suspension committed; it then waits for the
 * suspension (both hold the account's row) and must issue nothing: 403 problem+json
 * {@code account-suspended}, the answer the account's next call gets, and no live token.
 */
class TokenCreationDuringSuspensionTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    UserAdministration administration;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aTokenIssuedWhileTheAccountIsSuspendedIsRefusedWith403() throws Exception {
        TestUsers.TestUser u = users.create(0);
        SessionApi browser = SessionApi.signIn(port, u.email(), PASSWORD, "/account/tokens");

        CountDownLatch suspendedUncommitted = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        long[] backend = new long[1];
        CompletableFuture<Boolean> suspended = CompletableFuture.supplyAsync(() -> tx.execute(status -> {
            boolean done = administration.suspend(u.id());
            backend[0] = LockWaits.backend(jdbc);
            suspendedUncommitted.countDown();
            try {
                // the operator's transaction stays open (its audit record, say) while the issue arrives
                commit.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return done;
        }));
        CompletableFuture<HttpResponse<String>> issued;
        try {
            assertThat(suspendedUncommitted.await(20, TimeUnit.SECONDS)).isTrue();
            issued = CompletableFuture.supplyAsync(() -> {
                try {
                    return browser.call("POST", "/api/v1/tokens", "{\"name\":\"ci\"}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> LockWaits.blockedBy(jdbc, backend[0]) || issued.isDone());
        } finally {
            commit.countDown();
        }

        assertThat(suspended.get(30, TimeUnit.SECONDS)).isTrue();
        HttpResponse<String> answer = issued.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.body()).contains("account-suspended").contains("no token was created");
        assertThat(jdbc.sql("select count(*) from api_token where user_id = :u and name = 'ci'")
                        .param("u", u.id())
                        .query(Long.class)
                        .single())
                .as("tokens issued beside the suspension")
                .isZero();
    }
}

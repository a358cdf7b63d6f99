package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        TokenIssueRace browser = TokenIssueRace.signedIn(users, port);
        TestUsers.TestUser u = browser.user;

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
        CompletableFuture<HttpResponse<String>> issued = new CompletableFuture<>();
        try {
            assertThat(suspendedUncommitted.await(TokenIssueRace.STEP.toSeconds(), TimeUnit.SECONDS))
                    .isTrue();
            browser.issueInBackground("ci", issued);
            TokenIssueRace.awaitUntil(() -> LockWaits.blockedBy(jdbc, backend[0]) || issued.isDone());
        } finally {
            commit.countDown();
        }

        assertThat(suspended.get(30, TimeUnit.SECONDS)).isTrue();
        HttpResponse<String> answer = issued.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.body()).contains("account-suspended").contains("no token was created");
        assertThat(browser.tokensNamed(jdbc, "ci"))
                .as("tokens issued beside the suspension")
                .isZero();
    }
}

package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.UserActions;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An operator revokes a user's tokens (which also ends the user's sessions) while one of those
 * sessions is issuing a token. No token may outlive the revocation: the operator's revocation and
 * the issue take the account's row in turn, so either the revocation sees the new token, or the issue
 * finds its session ended and issues nothing. The revocation's update used to be under way (its
 * snapshot taken) while the issue committed, and left the new token live.
 */
class TokenCreationDuringRevokeTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    UserActions operators;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aTokenIssuedWhileAnOperatorRevokesTheUsersTokensIsNotLeftLive() throws Exception {
        TokenIssueRace session = TokenIssueRace.signedIn(users, port);
        TestUsers.TestUser u = session.user;

        CompletableFuture<ActionResult> revoked = new CompletableFuture<>();
        CompletableFuture<HttpResponse<String>> issued = new CompletableFuture<>();
        tx.executeWithoutResult(s -> {
            // holds the user's existing token: the revocation's update, once under way, waits here
            jdbc.sql("select id from api_token where user_id = :u for update")
                    .param("u", u.id())
                    .query(Long.class)
                    .list();
            Concurrently.completeInBackground(
                    revoked, () -> operators.revokeTokens("ops@example.com", u.id(), "test", "k-" + UUID.randomUUID()));
            TokenIssueRace.awaitUntil(() -> LockWaits.waiting(jdbc) >= 1 || revoked.isDone());
            session.issueInBackground("keep", issued);
            // the issue either waits for the revocation (2 waiting) or is done
            TokenIssueRace.awaitUntil(() -> LockWaits.waiting(jdbc) >= 2 || issued.isDone() || revoked.isDone());
        });

        assertThat(revoked.get(30, TimeUnit.SECONDS)).isInstanceOf(ActionResult.Done.class);
        HttpResponse<String> answer = issued.get(30, TimeUnit.SECONDS);
        assertThat(session.liveTokens(jdbc))
                .as("live tokens after the operator revoked them all (the issue answered " + answer.statusCode() + ")")
                .isZero();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
    }
}

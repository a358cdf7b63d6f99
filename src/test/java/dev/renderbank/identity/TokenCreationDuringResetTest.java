package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.EmailTokenStore.Purpose;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
        TokenIssueRace intruder = TokenIssueRace.signedIn(users, port);
        TestUsers.TestUser u = intruder.user;
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
            TokenIssueRace.awaitUntil(() -> LockWaits.waiting(jdbc) >= 1 || reset.isDone());
            intruder.issueInBackground("keep", issued);
            TokenIssueRace.awaitUntil(() -> LockWaits.waiting(jdbc) >= 2 || issued.isDone() || reset.isDone());
        });

        assertThat(reset.get(30, TimeUnit.SECONDS)).isInstanceOf(Passwords.Outcome.Changed.class);
        HttpResponse<String> answer = issued.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(intruder.liveTokens(jdbc)).as("live tokens after the reset").isZero();
    }
}

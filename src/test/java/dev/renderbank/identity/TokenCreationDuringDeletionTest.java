package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.AddressHasher;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The owner deletes the account while, in another tab, a new API token is being issued. A deletion
 * revokes every API token; a token issued beside it must not outlive it: the issue, which waits for
 * the deletion under way (both lock the account's row), then finds the account closed and issues
 * nothing. It used to insert a live token on the deleted account once the deletion had committed.
 */
class TokenCreationDuringDeletionTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    AddressHasher addresses;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aTokenIssuedWhileTheAccountIsDeletedIsNotLeftLive() throws Exception {
        TokenIssueRace otherTab = TokenIssueRace.signedIn(users, port);
        TestUsers.TestUser u = otherTab.user;
        String key = addresses.throttleKey(u.email()); // LoginThrottle's key of the account
        // the attempt row exists (an earlier sign-in), so a lock on it waits for whoever holds it
        jdbc.sql("""
                        insert into login_throttle_account (email, failures, last_failure_at)
                        values (:e, 0, now()) on conflict (email) do nothing""").param("e", key).update();

        CompletableFuture<DeletionOutcome> deleted;
        CompletableFuture<HttpResponse<String>> issued = new CompletableFuture<>();
        try (Connection holder = dataSource.getConnection();
                Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("set local lock_timeout = '20s'");
            // holds the deletion's second lock (its password attempt): the deletion, holding the
            // account's row, waits here
            try (PreparedStatement attempt =
                    holder.prepareStatement("select failures from login_throttle_account where email = ? for update")) {
                attempt.setString(1, key);
                attempt.executeQuery().close();
            }
            long backend = LockWaits.backend(holder);
            deleted = CompletableFuture.supplyAsync(() -> deletion.delete(u.id(), TokenIssueRace.PASSWORD));
            TokenIssueRace.awaitUntil(() -> LockWaits.blockedBy(jdbc, backend) || deleted.isDone());
            otherTab.issueInBackground("ci", issued);
            TokenIssueRace.awaitUntil(() -> LockWaits.waiting(jdbc) >= 2 || issued.isDone() || deleted.isDone());
            holder.rollback();
        }

        assertThat(deleted.get(30, TimeUnit.SECONDS)).isInstanceOf(DeletionOutcome.Deleted.class);
        HttpResponse<String> answer = issued.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(403);
        assertThat(answer.body()).contains("account-deleted");
        assertThat(otherTab.liveTokens(jdbc))
                .as("live tokens of the deleted account")
                .isZero();
    }
}

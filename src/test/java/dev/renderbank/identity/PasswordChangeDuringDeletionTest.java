package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.AddressHasher;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A password change and the account's deletion at once (two tabs). The deletion locks the account's
 * row and then its password-attempt throttle row (AccountDeletion.delete); a change must take them in
 * the same order, or the two deadlock and PostgreSQL aborts one with an error: the change used to claim
 * its attempt (the throttle row) first, check the password, and only then write the account's row.
 */
class PasswordChangeDuringDeletionTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    TestUsers users;

    @Autowired
    Passwords passwords;

    @Autowired
    AddressHasher addresses;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aChangeWhileADeletionHoldsTheAccountWaitsForItInsteadOfDeadlocking() throws Exception {
        TestUsers.TestUser u = users.create(0);
        String email = jdbc.sql("select email from app_user where id = :id")
                .param("id", u.id())
                .query(String.class)
                .single();
        String key = addresses.throttleKey(email); // LoginThrottle's key of the account
        // the attempt row exists (an earlier sign-in), so a lock on it waits for whoever holds it
        jdbc.sql("""
                        insert into login_throttle_account (email, failures, last_failure_at)
                        values (:e, 0, now()) on conflict (email) do nothing""").param("e", key).update();
        CompletableFuture<Passwords.Outcome> change;
        try (Connection deletion = dataSource.getConnection();
                Statement st = deletion.createStatement()) {
            deletion.setAutoCommit(false);
            st.execute("set local lock_timeout = '10s'");
            // the deletion's first lock (DeletionStore.lock)
            st.execute("select id from app_user where id = " + u.id() + " for update");
            long backend = LockWaits.backend(deletion);
            change = CompletableFuture.supplyAsync(
                    () -> passwords.change(u.id(), PASSWORD, "a brand new passphrase 42", null));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> LockWaits.blockedBy(jdbc, backend) || change.isDone());
            // the deletion's second lock (LoginThrottle.claimAccountAttempt)
            try (PreparedStatement attempt = deletion.prepareStatement(
                    "select failures from login_throttle_account where email = ? for update")) {
                attempt.setString(1, key);
                attempt.executeQuery().close();
            }
            deletion.rollback();
        }
        assertThat(change.get(30, TimeUnit.SECONDS)).isInstanceOf(Passwords.Outcome.Changed.class);
    }
}

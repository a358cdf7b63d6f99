package dev.renderbank.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A sign-in attempt is always answered (counted, or told to wait), never with an error, whatever
 * happens to the throttle rows it counts on meanwhile. An account's row is deleted by a correct
 * password elsewhere ({@link LoginThrottle#recordSuccess(String)}: a password change or an account
 * deletion holds the row through its password check, then deletes it) and by the sweep; an
 * attempt that found the row there and then waited for its lock used to find it gone and fail.
 */
class ThrottleRowGoneTest extends IntegrationTest {

    @Autowired
    LoginThrottle throttle;

    @Autowired
    AddressHasher addresses;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void anAttemptWaitingForTheAccountsRowWhileAPasswordCheckElsewhereClearsItIsCounted() throws Exception {
        String email = "gone-" + UUID.randomUUID() + "@test.local";
        String key = addresses.throttleKey(email);
        jdbc.sql("""
                        insert into login_throttle_account (email, failures, last_failure_at)
                        values (:e, 2, now())""").param("e", key).update();

        CompletableFuture<Optional<Duration>> attempt;
        try (Connection elsewhere = dataSource.getConnection()) {
            elsewhere.setAutoCommit(false);
            // a password change's claim (LoginThrottle.claimAccountAttempt): the row, locked
            try (PreparedStatement claim = elsewhere.prepareStatement(
                    "select failures from login_throttle_account where email = ? for update")) {
                claim.setString(1, key);
                claim.executeQuery().close();
            }
            long backend = LockWaits.backend(elsewhere);
            attempt = CompletableFuture.supplyAsync(() -> throttle.claimAttempt("203.0.113.7", email));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> LockWaits.blockedBy(jdbc, backend) || attempt.isDone());
            // its password was right: the account starts afresh (LoginThrottle.recordSuccess)
            try (PreparedStatement success =
                    elsewhere.prepareStatement("delete from login_throttle_account where email = ?")) {
                success.setString(1, key);
                success.executeUpdate();
            }
            elsewhere.commit();
        }

        assertThat(attempt.get(30, TimeUnit.SECONDS)).isEmpty();
        assertThat(jdbc.sql("select failures from login_throttle_account where email = :e")
                        .param("e", key)
                        .query(Integer.class)
                        .single())
                .as("the attempt is counted afresh")
                .isEqualTo(1);
    }
}

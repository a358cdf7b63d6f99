package dev.renderbank.identity.internal;

import static dev.renderbank.platform.SqlTime.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The identity sweep deletes throttle, request-limit and one-time-link rows that can no longer
 * matter (defaults: 7 days for throttles, 30 days for used or expired links) and keeps every row
 * that still locks, counts or opens something.
 */
class IdentitySweepTest extends IntegrationTest {

    @Autowired
    IdentitySweep sweep;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @Autowired
    EmailTokenStore tokens;

    @Test
    void oldRowsGoAndLiveOnesStay() {
        Instant now = clock.instant();
        Instant old = now.minus(Duration.ofDays(8));
        Instant recent = now.minus(Duration.ofHours(1));
        clientThrottle("sweep-old-client", old, null);
        clientThrottle("sweep-recent-client", recent, null);
        clientThrottle("sweep-locked-client", old, now.plus(Duration.ofMinutes(10)));
        accountThrottle("sweep-old@test.local", old, null);
        accountThrottle("sweep-recent@test.local", recent, recent.plus(Duration.ofMinutes(15)));
        requestLimit("sweep:old", old);
        requestLimit("sweep:recent", recent);
        for (var device : java.util.Map.of(
                        "sweep-device-unused",
                                now.minus(KnownBrowsers.FORGET_AFTER).minusSeconds(1),
                        "sweep-device-used", now.minus(Duration.ofDays(30)))
                .entrySet()) {
            jdbc.sql("insert into login_device (token_hash, account, failures, last_used_at) values (:h, 'x', 0, :at)")
                    .param("h", device.getKey())
                    .param("at", java.sql.Timestamp.from(device.getValue()))
                    .update();
        }
        long user = users.create("sweep-links@test.local", "correct horse battery staple", Role.USER, true)
                .id();
        Instant longAgo = now.minus(Duration.ofDays(31));
        tokens.insert(
                user, EmailTokenStore.Purpose.VERIFY, "sweep-used-long-ago", longAgo, longAgo.plusSeconds(86_400));
        tokens.use(EmailTokenStore.Purpose.VERIFY, "sweep-used-long-ago", longAgo.plusSeconds(60));
        tokens.insert(
                user, EmailTokenStore.Purpose.RESET, "sweep-expired-long-ago", longAgo, longAgo.plusSeconds(3600));
        tokens.insert(user, EmailTokenStore.Purpose.RESET, "sweep-open", recent, now.plus(Duration.ofHours(1)));
        tokens.insert(user, EmailTokenStore.Purpose.VERIFY, "sweep-used-today", recent, now.plus(Duration.ofDays(1)));
        tokens.use(EmailTokenStore.Purpose.VERIFY, "sweep-used-today", now);

        IdentitySweep.Swept swept = sweep.sweep(now);

        assertThat(swept.clientThrottles()).isGreaterThanOrEqualTo(1);
        assertThat(column("select client from login_throttle_client where client like 'sweep-%'"))
                .containsExactlyInAnyOrder("sweep-recent-client", "sweep-locked-client");
        assertThat(column("select email from login_throttle_account where email like 'sweep-%'"))
                .containsExactly("sweep-recent@test.local");
        assertThat(column("select bucket from request_limit where bucket like 'sweep:%'"))
                .containsExactly("sweep:recent");
        assertThat(column("select token_hash from login_device where token_hash like 'sweep-%'"))
                .as("a browser unused for 180 days is forgotten")
                .containsExactly("sweep-device-used");
        assertThat(tokens.find(EmailTokenStore.Purpose.VERIFY, "sweep-used-long-ago"))
                .isEmpty();
        assertThat(tokens.find(EmailTokenStore.Purpose.RESET, "sweep-expired-long-ago"))
                .isEmpty();
        assertThat(tokens.find(EmailTokenStore.Purpose.RESET, "sweep-open")).isPresent();
        assertThat(tokens.find(EmailTokenStore.Purpose.VERIFY, "sweep-used-today"))
                .isPresent();
        // the link still open works after the sweep
        assertThat(tokens.use(EmailTokenStore.Purpose.RESET, "sweep-open", now)).contains(user);
    }

    /**
     * A password change keeps the hash of the password it replaced for the change's one repeat, within
     * two minutes: once that window is over the sweep clears it, so old password hashes are not kept
     * in the accounts (a copy of the database would carry them) until the next change or repeat.
     */
    @Test
    void theReplacedPasswordsHashIsClearedOnceItsRepeatWindowIsOver() {
        Instant now = clock.instant();
        long over = users.create("sweep-replaced-over@test.local", "correct horse battery staple", Role.USER, true)
                .id();
        long open = users.create("sweep-replaced-open@test.local", "correct horse battery staple", Role.USER, true)
                .id();
        changed(over, now.minus(Duration.ofMinutes(2)).minusSeconds(1), "{bcrypt}$2a$10$replaced-over");
        changed(open, now.minus(Duration.ofSeconds(90)), "{bcrypt}$2a$10$replaced-open");

        sweep.sweep(now);

        assertThat(replacedHash(over)).as("its window is over").isNull();
        assertThat(replacedHash(open)).as("its repeat may still come").isEqualTo("{bcrypt}$2a$10$replaced-open");
        assertThat(jdbc.sql("select password_changed_at is not null from app_user where id = :id")
                        .param("id", over)
                        .query(Boolean.class)
                        .single())
                .as("when the password was changed stays")
                .isTrue();
    }

    private void changed(long userId, Instant at, String replacedHash) {
        jdbc.sql("update app_user set password_changed_at = :at, password_replaced_hash = :h where id = :id")
                .param("at", ts(at))
                .param("h", replacedHash)
                .param("id", userId)
                .update();
    }

    private String replacedHash(long userId) {
        return jdbc.sql("select password_replaced_hash from app_user where id = :id")
                .param("id", userId)
                .query((rs, n) -> rs.getString(1))
                .list()
                .get(0);
    }

    @Test
    void theSweepRunsAsAScheduledTask() {
        assertThat(jdbc.sql("select count(*) from scheduled_tasks where task_name = 'identity-sweep'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aRetentionShorterThanAThrottleWindowIsRefusedAtStart() {
        LoginProperties login = new LoginProperties(
                20,
                Duration.ofMinutes(15),
                Duration.ofMinutes(15),
                5,
                Duration.ofSeconds(1),
                Duration.ofMinutes(15),
                Duration.ofHours(24));
        RequestLimitProperties limits = new RequestLimitProperties(5, 20, Duration.ofHours(1));
        RetentionProperties tooShort = new RetentionProperties(
                Duration.ofHours(1), Duration.ofHours(2), Duration.ZERO, Duration.ofDays(30), Duration.ofDays(365));
        assertThatThrownBy(() -> new IdentitySweep(jdbc, tooShort, login, limits, null))
                .hasMessageContaining("renderbank.retention.throttles");
    }

    private List<String> column(String sql) {
        return jdbc.sql(sql).query(String.class).list();
    }

    private void clientThrottle(String client, Instant windowStart, Instant lockedUntil) {
        jdbc.sql("""
                        insert into login_throttle_client (client, window_start, failures, locked_until)
                        values (:c, :w, 3, :l)""")
                .param("c", client)
                .param("w", ts(windowStart))
                .param("l", lockedUntil == null ? null : ts(lockedUntil))
                .update();
    }

    private void accountThrottle(String email, Instant lastFailure, Instant blockedUntil) {
        jdbc.sql("""
                        insert into login_throttle_account (email, failures, blocked_until, last_failure_at)
                        values (:e, 6, :b, :l)""")
                .param("e", email)
                .param("b", blockedUntil == null ? null : ts(blockedUntil))
                .param("l", ts(lastFailure))
                .update();
    }

    private void requestLimit(String bucket, Instant windowStart) {
        jdbc.sql("insert into request_limit (bucket, window_start, hits) values (:b, :w, 2)")
                .param("b", bucket)
                .param("w", ts(windowStart))
                .update();
    }
}

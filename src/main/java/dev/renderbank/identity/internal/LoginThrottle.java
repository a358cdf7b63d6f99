package dev.renderbank.identity.internal;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Slows down password guessing, with its state in PostgreSQL so every node sees the same counts.
 * Per client address: too many failures in a window lock the address for a while (guessing many
 * accounts from one place). Per account (by email, whether or not it exists): after a few failures
 * each further one makes the account wait, doubling up to a cap, so a guesser spread over many
 * addresses gets few tries, while nobody can lock a victim out for longer than the cap. Each count
 * is one upsert; a successful sign-in clears the account's count.
 */
@Component
public class LoginThrottle {

    private final JdbcClient jdbc;
    private final LoginProperties props;
    private final Clock clock;

    LoginThrottle(JdbcClient jdbc, LoginProperties props, Clock clock) {
        this.jdbc = jdbc;
        this.props = props;
        this.clock = clock;
    }

    /** How long this attempt must wait before a password is even checked; empty: go ahead. */
    public Optional<Duration> wait(String client, String email) {
        Instant now = clock.instant();
        Instant clientUntil = jdbc.sql("select locked_until from login_throttle_client where client = :c")
                .param("c", client)
                .query(OffsetDateTime.class)
                .optional()
                .map(OffsetDateTime::toInstant)
                .orElse(Instant.MIN);
        Instant accountUntil = jdbc.sql("select blocked_until from login_throttle_account where email = :e")
                .param("e", normal(email))
                .query(OffsetDateTime.class)
                .optional()
                .map(OffsetDateTime::toInstant)
                .orElse(Instant.MIN);
        Instant until = clientUntil.isAfter(accountUntil) ? clientUntil : accountUntil;
        return until.isAfter(now) ? Optional.of(roundUp(Duration.between(now, until))) : Optional.empty();
    }

    /** Counts a failed sign-in; returns the wait it imposes from now on (empty: none). */
    public Optional<Duration> recordFailure(String client, String email) {
        Instant now = clock.instant();
        jdbc.sql("""
                        insert into login_throttle_client as t (client, window_start, failures, locked_until)
                        values (:c, :now, 1, case when 1 >= :max then cast(:lockUntil as timestamptz) end)
                        on conflict (client) do update set
                            window_start = case when t.window_start <= :windowStart then :now else t.window_start end,
                            failures = case when t.window_start <= :windowStart then 1 else t.failures + 1 end,
                            locked_until = case
                                when (case when t.window_start <= :windowStart then 1 else t.failures + 1 end) >= :max
                                then cast(:lockUntil as timestamptz) else t.locked_until end""")
                .param("c", client)
                .param("now", ts(now))
                .param("windowStart", ts(now.minus(props.clientWindow())))
                .param("max", props.clientMaxFailures())
                .param("lockUntil", ts(now.plus(props.clientLock())))
                .update();
        int failures = jdbc.sql("""
                        insert into login_throttle_account as t (email, failures, last_failure_at)
                        values (:e, 1, :now)
                        on conflict (email) do update set
                            failures = case when t.last_failure_at <= :forget then 1 else t.failures + 1 end,
                            last_failure_at = :now
                        returning failures""")
                .param("e", normal(email))
                .param("now", ts(now))
                .param("forget", ts(now.minus(props.accountForgetAfter())))
                .query(Integer.class)
                .single();
        Duration accountWait = props.accountWait(failures);
        if (!accountWait.isZero()) {
            jdbc.sql("update login_throttle_account set blocked_until = :until where email = :e")
                    .param("e", normal(email))
                    .param("until", ts(now.plus(accountWait)))
                    .update();
        }
        return wait(client, email);
    }

    /** A correct password: the account starts afresh (the address's count stays). */
    public void recordSuccess(String email) {
        jdbc.sql("delete from login_throttle_account where email = :e")
                .param("e", normal(email))
                .update();
    }

    private static String normal(String email) {
        return email == null ? "" : email.strip().toLowerCase(Locale.ROOT);
    }

    private static Duration roundUp(Duration d) {
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(seconds, 1));
    }
}

package dev.renderbank.identity.internal;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Slows down password guessing, with its state in PostgreSQL so every node sees the same counts.
 * Per client address: too many failures in a window lock the address for a while (guessing many
 * accounts from one place). Per account (by email, whether or not it exists): after a few failures
 * each further one makes the account wait, doubling up to a cap, so a guesser spread over many
 * addresses gets few tries; each wait is at most the cap. An attempt
 * is counted before its password is checked ({@link #claimAttempt}); a successful sign-in takes it
 * back and clears the account's count. Accounts are keyed by a keyed digest of the name Spring
 * authenticates ({@link AddressHasher#throttleKey}: trimmed as Spring trims it, then the canonical
 * form, then an HMAC under the server's secret), so any name a client sends counts, whatever
 * characters it holds, every spelling that signs in to one account counts against that account, and
 * nobody without the secret can tell from the table which addresses were tried.
 *
 * <p>A browser that signed in to the account before ({@link KnownBrowsers}) is not held by the
 * account's wait, and its failures count on its own row; the address's lock applies to every browser.
 */
@Component
public class LoginThrottle {

    private final JdbcClient jdbc;
    private final LoginProperties props;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final KnownBrowsers browsers;
    private final AddressHasher keys;

    LoginThrottle(
            JdbcClient jdbc,
            LoginProperties props,
            TransactionTemplate tx,
            Clock clock,
            KnownBrowsers browsers,
            AddressHasher keys) {
        this.jdbc = jdbc;
        this.props = props;
        this.tx = tx;
        this.clock = clock;
        this.browsers = browsers;
        this.keys = keys;
    }

    /**
     * How long a sign-in from the browser holding {@code device} (null: none) must wait now: the
     * address's lock, and the account's wait unless the browser is known to the account.
     */
    public Optional<Duration> wait(String client, String email, String device) {
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
        if (browsers.known(normal(email), device, now, false)) {
            accountUntil = Instant.MIN;
        }
        Instant until = clientUntil.isAfter(accountUntil) ? clientUntil : accountUntil;
        return until.isAfter(now) ? Optional.of(roundUp(Duration.between(now, until))) : Optional.empty();
    }

    /**
     * Claims one sign-in attempt before its password is checked: refused (the wait) while the address
     * or the account is blocked, else counted at once as a failure of both, under their rows' locks.
     * Attempts arriving at the same moment on any node thus queue and each sees the ones before it:
     * a check that counted only after the password comparison let a burst of guesses all through.
     * A correct password takes its count back ({@link #recordSuccess(String, String)}).
     */
    public Optional<Duration> claimAttempt(String client, String email) {
        return claimAttempt(client, email, null);
    }

    /**
     * {@link #claimAttempt(String, String)} from the browser holding {@code device} (null: none): one
     * known to the account is not held by the account's wait, and its failure counts on its own row.
     */
    public Optional<Duration> claimAttempt(String client, String email, String device) {
        return tx.execute(status -> {
            Instant now = clock.instant();
            String account = normal(email);
            // always the address first, then the account: concurrent claims lock in one order
            ClientRow c = jdbc.sql("""
                            insert into login_throttle_client as t (client, window_start, failures)
                            values (:c, :now, 0) on conflict (client) do update set failures = t.failures
                            returning window_start, failures, locked_until""")
                    .param("c", client)
                    .param("now", ts(now))
                    .query((rs, n) -> new ClientRow(
                            instant(rs, "window_start"), rs.getInt("failures"), instant(rs, "locked_until")))
                    .single();
            AccountRow a = lockAccount(account, now);
            boolean known = browsers.known(account, device, now, true);
            Instant until = known ? c.lockedUntil() : later(c.lockedUntil(), a.blockedUntil());
            if (until != null && until.isAfter(now)) {
                return Optional.of(roundUp(Duration.between(now, until)));
            }
            boolean newWindow = !c.windowStart().isAfter(now.minus(props.clientWindow()));
            int clientFailures = newWindow ? 1 : c.failures() + 1;
            jdbc.sql("""
                            update login_throttle_client set window_start = :start, failures = :failures,
                                                             locked_until = :locked
                             where client = :c""")
                    .param("start", ts(newWindow ? now : c.windowStart()))
                    .param("failures", clientFailures)
                    .param(
                            "locked",
                            clientFailures >= props.clientMaxFailures()
                                    ? ts(now.plus(props.clientLock()))
                                    : ts(c.lockedUntil()))
                    .param("c", client)
                    .update();
            if (known) {
                browsers.countFailure(device);
            } else {
                countAccountFailure(account, a, now);
            }
            return Optional.<Duration>empty();
        });
    }

    /**
     * Claims one check of the account's password outside the login form (changing the password,
     * deleting the account), counted with the account's sign-in failures in the caller's transaction:
     * a session alone (a borrowed browser, a stolen cookie) must not be a way to guess the password at
     * full speed. Refused (the wait) while the account waits; a correct password clears the count
     * ({@link #recordSuccess(String)}).
     */
    public Optional<Duration> claimAccountAttempt(String email) {
        return tx.execute(status -> {
            Instant now = clock.instant();
            String account = normal(email);
            AccountRow a = lockAccount(account, now);
            if (a.blockedUntil() != null && a.blockedUntil().isAfter(now)) {
                return Optional.of(roundUp(Duration.between(now, a.blockedUntil())));
            }
            countAccountFailure(account, a, now);
            return Optional.<Duration>empty();
        });
    }

    /**
     * The account's row, created if missing, locked until the end of the transaction: one statement,
     * so a row deleted meanwhile (a correct password elsewhere, the sweep) is created afresh rather
     * than found missing after an insert that saw it and a lock that waited for its deletion.
     */
    private AccountRow lockAccount(String account, Instant now) {
        return jdbc.sql("""
                        insert into login_throttle_account as t (email, failures, last_failure_at)
                        values (:e, 0, :now) on conflict (email) do update set failures = t.failures
                        returning failures, blocked_until, last_failure_at""")
                .param("e", account)
                .param("now", ts(now))
                .query((rs, n) -> new AccountRow(
                        rs.getInt("failures"), instant(rs, "blocked_until"), instant(rs, "last_failure_at")))
                .single();
    }

    /** Counts a failure on the locked account row; from the {@code accountFreeFailures}-th on, it must wait. */
    private void countAccountFailure(String account, AccountRow a, Instant now) {
        int failures = a.lastFailureAt().isAfter(now.minus(props.accountForgetAfter())) ? a.failures() + 1 : 1;
        Duration wait = props.accountWait(failures);
        jdbc.sql("""
                        update login_throttle_account set failures = :failures, last_failure_at = :now,
                                                          blocked_until = :blocked
                         where email = :e""")
                .param("failures", failures)
                .param("now", ts(now))
                .param("blocked", wait.isZero() ? ts(a.blockedUntil()) : ts(now.plus(wait)))
                .param("e", account)
                .update();
    }

    private record ClientRow(Instant windowStart, int failures, Instant lockedUntil) {}

    private record AccountRow(int failures, Instant blockedUntil, Instant lastFailureAt) {}

    private static Instant later(Instant x, Instant y) {
        if (x == null) {
            return y;
        }
        return y == null || x.isAfter(y) ? x : y;
    }

    /**
     * A correct password at the login form: the account starts afresh, and the address's count loses
     * the failure {@link #claimAttempt} counted for this attempt (with the lock, if that failure set it).
     */
    public void recordSuccess(String client, String email) {
        jdbc.sql("""
                        update login_throttle_client set failures = greatest(failures - 1, 0),
                               locked_until = case when failures - 1 < :max then null else locked_until end
                         where client = :c""").param("max", props.clientMaxFailures()).param("c", client).update();
        recordSuccess(email);
    }

    /**
     * {@link #recordSuccess(String, String)} from the browser holding {@code device} (null: none): a
     * browser known to the account has its failures cleared; any other is made known under a new
     * token, returned for its cookie.
     */
    public Optional<String> recordSuccess(String client, String email, String device) {
        recordSuccess(client, email);
        return browsers.signedIn(normal(email), device, clock.instant());
    }

    /**
     * A sign-in that could not be decided (the database dropped after {@link #claimAttempt} counted it,
     * before the password was checked): the attempt is taken back from the address and from the
     * account (from the browser's own row, for a browser known to it), and the account's wait with it when the count left needs none. Neither the person nor
     * a guesser learned anything from it, so it must not lock anyone out for an outage.
     */
    public void giveBack(String client, String email, String device) {
        boolean known = browsers.known(normal(email), device, clock.instant(), false);
        tx.executeWithoutResult(status -> {
            jdbc.sql("""
                            update login_throttle_client set failures = greatest(failures - 1, 0),
                                   locked_until = case when failures - 1 < :max then null else locked_until end
                             where client = :c""")
                    .param("max", props.clientMaxFailures())
                    .param("c", client)
                    .update();
            if (known) {
                browsers.giveBack(device); // counted there, not on the account
                return;
            }
            jdbc.sql("""
                            update login_throttle_account set failures = greatest(failures - 1, 0),
                                   blocked_until = case when failures - 1 < :free then null else blocked_until end
                             where email = :e""")
                    .param("free", props.accountFreeFailures())
                    .param("e", normal(email))
                    .update();
        });
    }

    /**
     * No browser is known to the account any more (it was recovered through its mailbox): one
     * whoever knew the old password used waits like any other. A deletion: {@link #forgetDeleted}.
     */
    public void forgetDevices(String email) {
        browsers.forget(normal(email));
    }

    /**
     * The account is deleted: its count and its known browsers go, under its keyed digest and under
     * the plain one a node of the previous release wrote during an upgrade ({@link
     * SignInNames#unkeyedThrottleKey}), so no row a list of addresses could be tested against stays.
     */
    public void forgetDeleted(String email) {
        List<String> both = List.of(normal(email), SignInNames.unkeyedThrottleKey(email));
        jdbc.sql("delete from login_throttle_account where email in (:k)")
                .param("k", both)
                .update();
        jdbc.sql("delete from login_device where account in (:k)")
                .param("k", both)
                .update();
    }

    /** The owner proved themselves (a correct password, a reset link): the account starts afresh. */
    public void recordSuccess(String email) {
        jdbc.sql("delete from login_throttle_account where email = :e")
                .param("e", normal(email))
                .update();
    }

    /**
     * The account's row key: a keyed digest of the normalised name Spring authenticates, never the
     * name itself (a name with a NUL cannot be stored, a 9,000-character one would not fit the index;
     * both must still count) nor its plain digest (a list of addresses would tell whose row it is).
     */
    private String normal(String email) {
        return keys.throttleKey(email);
    }

    private static Duration roundUp(Duration d) {
        long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(seconds, 1));
    }
}

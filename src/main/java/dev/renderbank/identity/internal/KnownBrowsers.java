package dev.renderbank.identity.internal;

import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.identity.Users;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Browsers that signed in to an account before ({@code login_device}): each holds a random token in a
 * cookie, of which only the SHA-256 is stored. {@link LoginThrottle} does not hold such a browser by
 * the account's wait, so someone failing on purpose every time the wait ends cannot keep the owner
 * out; its failures count here instead, {@link #FREE_FAILURES} of them, then it is not known any more
 * and waits like any other (a stolen cookie buys that few guesses). An account knows its {@link
 * #MAX_PER_ACCOUNT} browsers that signed in last; one more forgets the one unused longest.
 */
@Component
public class KnownBrowsers {

    /** Failures a known browser has of its own before the account's wait holds it too. */
    public static final int FREE_FAILURES = 5;

    /** A browser that has not signed in for this long is no longer known. */
    public static final Duration FORGET_AFTER = Duration.ofDays(180);

    /**
     * Browsers known to one account at most: the ones that signed in last. Every sign-in from a
     * browser without the cookie adds one (a script signing in, a browser that drops cookies), so
     * without a cap the table grew by a row per such sign-in, kept for {@link #FORGET_AFTER}.
     */
    public static final int MAX_PER_ACCOUNT = 50;

    private final JdbcClient jdbc;

    KnownBrowsers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Whether {@code device} (a browser's token; null: none) signed in to {@code account} (its
     * throttle key) within {@link #FORGET_AFTER} and has failures left of its own; its row locked when
     * {@code lock}.
     */
    boolean known(String account, String device, Instant now, boolean lock) {
        if (!plausible(device)) {
            return false;
        }
        return jdbc.sql("select failures from login_device where token_hash = :h and account = :a"
                        + " and last_used_at > :since" + (lock ? " for update" : ""))
                .param("h", hash(device))
                .param("a", account)
                .param("since", ts(now.minus(FORGET_AFTER)))
                .query(Integer.class)
                .optional()
                .filter(failures -> failures < FREE_FAILURES)
                .isPresent();
    }

    /** One failure of a known browser, counted on its own row. */
    void countFailure(String device) {
        jdbc.sql("update login_device set failures = failures + 1 where token_hash = :h")
                .param("h", hash(device))
                .update();
    }

    /** A failure of a known browser taken back (the sign-in could not be decided). */
    void giveBack(String device) {
        jdbc.sql("update login_device set failures = greatest(failures - 1, 0) where token_hash = :h")
                .param("h", hash(device))
                .update();
    }

    /**
     * A correct password from the browser holding {@code device} (null: none): one known to the
     * account has its failures cleared; any other is made known under a new token, returned for its
     * cookie, and the account's browser unused longest is forgotten if it knew {@link
     * #MAX_PER_ACCOUNT} already.
     */
    Optional<String> signedIn(String account, String device, Instant now) {
        if (plausible(device)
                && jdbc.sql("""
                                        update login_device set failures = 0, last_used_at = :now
                                         where token_hash = :h and account = :a and last_used_at > :since""")
                                .param("now", ts(now))
                                .param("h", hash(device))
                                .param("a", account)
                                .param("since", ts(now.minus(FORGET_AFTER)))
                                .update()
                        == 1) {
            return Optional.empty();
        }
        String token = Users.newSecret();
        // one statement: the new browser, and the account's others past the newest MAX_PER_ACCOUNT - 1
        // deleted (the delete does not see the row inserted beside it)
        jdbc.sql("""
                        with added as (
                            insert into login_device (token_hash, account, failures, last_used_at)
                            values (:h, :a, 0, :now) returning token_hash)
                        delete from login_device where token_hash in (
                            select token_hash from login_device where account = :a
                             order by last_used_at desc, token_hash offset :keep)""")
                .param("h", hash(token))
                .param("a", account)
                .param("now", ts(now))
                .param("keep", MAX_PER_ACCOUNT - 1)
                .update();
        return Optional.of(token);
    }

    /** No browser is known to the account any more. */
    void forget(String account) {
        jdbc.sql("delete from login_device where account = :a")
                .param("a", account)
                .update();
    }

    /** A token this class could have issued (32 random bytes, URL-safe); anything else is no browser of ours. */
    private static boolean plausible(String device) {
        return device != null && !device.isEmpty() && device.length() <= 100;
    }

    private static String hash(String device) {
        return HexFormat.of().formatHex(UserStore.sha256(device));
    }
}

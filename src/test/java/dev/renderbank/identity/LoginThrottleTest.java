package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.KnownBrowsers;
import dev.renderbank.support.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Failed sign-ins are throttled in the database: too many from one client address lock it (the right
 * password is refused until the lock ends), an account's failures make it wait longer each time but
 * never longer than the cap, and X-Forwarded-For is not believed from a peer that is no trusted proxy.
 */
class LoginThrottleTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final Pattern LOCKED = Pattern.compile("locked=(\\d+)");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    /**
     * The waits asserted here are seconds long and measured on the application's clock: on a busy
     * machine a running clock let a 1 s wait pass between two requests (the next failure then found
     * no wait, or a lock where it expected none). Every step of time here is an explicit advance.
     */
    @BeforeEach
    void stopTheClock() {
        clock.freeze();
    }

    @AfterEach
    void forgetFailures() {
        AccountsTestCleanup.clear(jdbc);
    }

    private String newUser() {
        String email = "throttle-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        return email;
    }

    @Test
    void twentyFailuresFromOneAddressLockItAndTheRightPasswordIsRefusedUntilTheLockEnds() throws Exception {
        String email = newUser();
        FormClient browser = new FormClient(port);
        for (int i = 1; i < 20; i++) {
            // many accounts guessed once each: no account reaches its own limit
            assertThat(browser.signIn("nobody-" + i + "@test.local", "wrong password " + i))
                    .endsWith("/login?error");
        }
        String twentieth = browser.signIn("nobody-20@test.local", "wrong password 20");
        assertThat(seconds(twentieth)).isEqualTo(15 * 60);

        String refused = browser.signIn(email, PASSWORD);
        assertThat(refused).contains("/login?locked=");
        assertThat(browser.get("/").statusCode()).as("not signed in").isEqualTo(302);
        String page = browser.get("/login?locked=" + seconds(refused)).body();
        assertThat(page).contains("Too many failed sign-ins. Try again in <span>15 minutes</span>.");

        clock.advance(Duration.ofMinutes(14));
        assertThat(seconds(browser.signIn(email, PASSWORD))).isBetween(50L, 60L);
        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(browser.signIn(email, PASSWORD)).doesNotContain("/login");
        assertThat(browser.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void forwardedAddressesFromAnUntrustedPeerAreIgnored() throws Exception {
        FormClient browser = new FormClient(port);
        for (int i = 1; i <= 20; i++) {
            // a guesser naming a new address each time would never be locked if the header counted
            browser.postWithHeader(
                    "/login",
                    "/login",
                    "X-Forwarded-For",
                    "198.51.100." + i,
                    "username",
                    "nobody-" + i + "@test.local",
                    "password",
                    "wrong password " + i);
        }
        assertThat(jdbc.sql("select client from login_throttle_client")
                        .query(String.class)
                        .list())
                .containsOnly("127.0.0.1");
        assertThat(new FormClient(port).signIn(newUser(), PASSWORD)).contains("/login?locked=");
    }

    @Test
    void anAccountWaitsLongerAfterEachFailureButNeverMoreThanTheCap() throws Exception {
        String email = newUser();
        long previous = 0;
        for (int failure = 1; failure <= 16; failure++) {
            FormClient from = new FormClient(port);
            String answer = from.postWithHeader(
                            "/login", "/login", null, null, "username", email, "password", "nope " + failure)
                    .headers()
                    .firstValue("Location")
                    .orElse("");
            assertThat(answer).startsWith("http://localhost:" + port + "/login?error");
            long wait = failure < 5 ? 0 : seconds(answer);
            if (failure < 5) {
                assertThat(answer).doesNotContain("locked");
            } else if (failure == 5) {
                assertThat(wait).isEqualTo(1);
            } else {
                assertThat(wait).isEqualTo(Math.min(previous * 2, 15 * 60));
            }
            // while it waits even the right password is refused, unchecked
            if (wait > 0) {
                assertThat(new FormClient(port).signIn(email, PASSWORD)).contains("/login?locked=");
            }
            previous = wait;
            clock.advance(Duration.ofSeconds(wait));
            jdbc.sql("delete from login_throttle_client").update(); // only the account's count matters here
        }
        assertThat(previous).as("capped at 15 minutes").isEqualTo(15 * 60);

        FormClient owner = new FormClient(port);
        assertThat(owner.signIn(email, PASSWORD)).doesNotContain("/login");
        // a success starts the account afresh: the next failure costs no wait
        assertThat(new FormClient(port).signIn(email, "nope again")).endsWith("/login?error");
    }

    /**
     * Someone who knows an address fails on purpose, from anywhere, every time the wait ends: the
     * account waits for ever. A browser that signed in to the account before is not kept out by that
     * wait (it has a few failures of its own, then waits like any other), so the owner still signs in;
     * the one failing still waits.
     */
    @Test
    void someoneFailingOnPurposeDoesNotKeepTheOwnerOutOfABrowserThatSignedInBefore() throws Exception {
        String email = newUser();
        FormClient ownersBrowser = new FormClient(port);
        assertThat(ownersBrowser.signIn(email, PASSWORD)).doesNotContain("/login");

        for (int failure = 1; failure <= 16; failure++) {
            String answer = new FormClient(port).signIn(email, "nope " + failure);
            clock.advance(Duration.ofSeconds(failure < 5 ? 0 : seconds(answer)));
            jdbc.sql("delete from login_throttle_client").update(); // only the account's count matters here
        }
        assertThat(new FormClient(port).signIn(email, "nope again"))
                .as("the one failing")
                .endsWith("/login?error&locked=900");
        assertThat(new FormClient(port).signIn(email, PASSWORD))
                .as("a browser never signed in")
                .contains("/login?locked=");

        assertThat(ownersBrowser.signIn(email, PASSWORD))
                .as("the owner's browser")
                .doesNotContain("/login");
        // its own failures (a cookie stolen from it buys a few guesses), then it counts like any other
        // browser: the account's free failures (the owner's sign-in started the account afresh), then waits
        int guesses = 0;
        String last = "";
        while (!last.contains("locked") && guesses < 20) {
            last = ownersBrowser.signIn(email, "guess " + ++guesses);
        }
        assertThat(guesses).isEqualTo(KnownBrowsers.FREE_FAILURES + 5);
        assertThat(last).endsWith("/login?error&locked=1");
        assertThat(jdbc.sql("select count(*) from login_device")
                        .query(Long.class)
                        .single())
                .as("only a digest of the cookie's token is stored")
                .isPositive();
        assertThat(jdbc.sql(
                                "select count(*) from login_device where token_hash !~ '^[0-9a-f]{64}$' and token_hash not like 'sweep-%'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    /**
     * Guesses sent at one moment each count: an account gets at most its free failures' worth of
     * password checks before it has to wait, however many guesses arrive together (a check that
     * counted nothing until the passwords were compared let them all through).
     */
    @Test
    void guessesSentAtOneMomentGetNoMorePasswordChecksThanTheFreeFailures() throws Exception {
        String email = newUser();
        int guesses = 12; // below the address's 20, so only the account's count can stop them
        List<Callable<String>> posts = new ArrayList<>();
        for (int i = 0; i < guesses; i++) {
            posts.add(new FormClient(port).signInLater(email, "guess " + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(guesses);
        List<String> answers = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> sent = new ArrayList<>();
            for (Callable<String> post : posts) {
                sent.add(pool.submit(() -> {
                    start.await();
                    return post.call();
                }));
            }
            start.countDown();
            for (Future<String> f : sent) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        long checked = answers.stream()
                .filter(a -> a.endsWith("/login?error") || a.contains("/login?error&"))
                .count();
        assertThat(checked)
                .as("guesses whose password was compared: %s", answers)
                .isLessThanOrEqualTo(5);
        assertThat(answers).allMatch(a -> a.contains("/login?error") || a.contains("/login?locked="));
        // and the owner, once the wait is over, still gets in
        clock.advance(Duration.ofMinutes(15));
        assertThat(new FormClient(port).signIn(email, PASSWORD)).doesNotContain("/login");
    }

    /**
     * A sign-in name no account can have (a NUL, control characters, 9,000 characters) is refused
     * like a wrong password, never a 500, and still counts: the account's name and the address are
     * throttled as for any other name.
     */
    @Test
    void namesNoAccountCanHaveAreRefusedLikeWrongPasswordsAndStillThrottled() throws Exception {
        List<String> names = List.of(
                "nul\u0000@test.local",
                "\u0000",
                "bell\u0007\u001b@test.local",
                "x".repeat(9_000) + "@test.local",
                randomLong(9_000));
        for (String name : names) {
            FormClient browser = new FormClient(port);
            var answer = browser.post("/login", "/login", "username", name, "password", "wrong");
            assertThat(answer.statusCode())
                    .as(name.substring(0, Math.min(20, name.length())))
                    .isEqualTo(302);
            assertThat(FormClient.location(answer)).endsWith("/login?error");
        }
        // the same hostile name again and again: it waits like any account after its free failures
        String hostile = "again\u0000" + "y".repeat(9_000);
        String last = "";
        for (int i = 0; i < 5; i++) {
            jdbc.sql("delete from login_throttle_client").update(); // only the account's count here
            last = new FormClient(port).signIn(hostile, "wrong " + i);
        }
        assertThat(seconds(last)).isEqualTo(1);
        assertThat(jdbc.sql("select max(length(email)) from login_throttle_account")
                        .query(Integer.class)
                        .single())
                .as("names are kept as fixed-size digests")
                .isEqualTo(64);
        // and an address sending such names is locked like any other
        AccountsTestCleanup.clear(jdbc);
        FormClient browser = new FormClient(port);
        for (int i = 1; i < 20; i++) {
            assertThat(browser.signIn("\u0000" + i + "x".repeat(9_000), "w")).endsWith("/login?error");
        }
        assertThat(seconds(browser.signIn("\u0000" + "z".repeat(9_000), "w"))).isEqualTo(15 * 60);
        assertThat(new FormClient(port).signIn(newUser(), PASSWORD)).contains("/login?locked=");
    }

    /**
     * Spring Security trims the sign-in name before it authenticates it ({@code String.trim()}: every
     * character up to U+0020 at either end, control characters as well as spaces), so each of these
     * spellings is a guess at the one account: each counts against it, and the account waits after
     * its free failures exactly as for the same spelling repeated.
     */
    @Test
    void guessesWithControlCharactersOrSpacesAroundTheAddressCountAgainstTheOneAccount() throws Exception {
        String email = newUser();
        List<String> spellings = List.of(
                email + "\u0001", " " + email, "\u0002" + email + "\u001f", email + "\t", "\u0000" + email + " ");
        clock.freeze(); // the fifth failure's 1 s wait is measured on a stopped clock
        for (String spelling : spellings) {
            jdbc.sql("delete from login_throttle_client").update(); // only the account's count matters here
            assertThat(new FormClient(port).signIn(spelling, "wrong password")).contains("/login?error");
        }
        assertThat(jdbc.sql("select count(*) from login_throttle_account")
                        .query(Long.class)
                        .single())
                .as("one account's count, whatever surrounded the address")
                .isEqualTo(1);
        assertThat(new FormClient(port).signIn(email, PASSWORD))
                .as("the right password, plainly typed, while the account waits")
                .contains("/login?locked=");
        assertThat(new FormClient(port).signIn(email + "\u0003", PASSWORD)).contains("/login?locked=");

        // each such spelling is the account to Spring: once the wait is over it signs in with it
        clock.advance(Duration.ofSeconds(2));
        assertThat(new FormClient(port).signIn(email + "\u0001", PASSWORD)).doesNotContain("/login");
    }

    private static String randomLong(int length) {
        java.util.Random random = new java.util.Random(42);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) ('!' + random.nextInt(90)));
        }
        return b.toString();
    }

    private static long seconds(String location) {
        Matcher m = LOCKED.matcher(location);
        assertThat(m.find()).as(location).isTrue();
        return Long.parseLong(m.group(1));
    }
}

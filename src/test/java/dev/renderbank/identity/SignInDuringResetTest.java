package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.internal.EmailTokenStore;
import dev.renderbank.identity.internal.EmailTokenStore.Purpose;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A password reset is account recovery: whoever knew the old password is signed out everywhere. A
 * sign-in with the old password that was checked before the reset committed, and whose session was
 * stored only after the reset had ended every session, must not outlive it either. Such a session
 * used to stay signed in with the password the reset had replaced.
 */
class SignInDuringResetTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Passwords passwords;

    @Autowired
    EmailTokenStore links;

    @Autowired
    DataSource dataSource;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aSignInCheckedAgainstThePasswordAResetReplacesIsSignedOutToo() throws Exception {
        TestUsers.TestUser u = users.create(0);
        String token = Users.newSecret();
        var now = clock.instant();
        links.insert(u.id(), Purpose.RESET, token, now, now.plus(Duration.ofHours(1)));

        CookieManager cookies = new CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        // a page asked for while signed out: the browser's session (its return address) is made now,
        // and the sign-in stores itself in it (the login form alone makes none: its token is a cookie)
        HttpResponse<String> asked = browser.send(
                HttpRequest.newBuilder(uri("/account")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(asked.headers().firstValue("Location").orElse("")).endsWith("/login");
        Matcher m = CSRF.matcher(
                browser.send(HttpRequest.newBuilder(uri("/login")).GET().build(), HttpResponse.BodyHandlers.ofString())
                        .body());
        assertThat(m.find()).isTrue();
        String form = "_csrf=" + enc(m.group(1)) + "&username=" + enc(u.email()) + "&password=" + enc(PASSWORD);
        // that session is the one the sign-in stores
        String sessionId = new String(
                Base64.getDecoder()
                        .decode(cookies.getCookieStore().getCookies().stream()
                                .filter(c -> c.getName().equals("SESSION"))
                                .map(HttpCookie::getValue)
                                .findFirst()
                                .orElseThrow()),
                StandardCharsets.UTF_8);

        CompletableFuture<HttpResponse<String>> signIn;
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            // holds the session's row: the sign-in, its password checked, waits here to store the session
            try (PreparedStatement lock =
                    holder.prepareStatement("select primary_id from spring_session where session_id = ? for update")) {
                lock.setString(1, sessionId);
                lock.executeQuery().close();
            }
            long backend = LockWaits.backend(holder);
            signIn = CompletableFuture.supplyAsync(() -> {
                try {
                    return browser.send(
                            HttpRequest.newBuilder(uri("/login"))
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString(form))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> LockWaits.blockedBy(jdbc, backend) || signIn.isDone());
            // meanwhile the owner resets the password by the emailed link
            assertThat(passwords.reset(token, "a brand new passphrase 42"))
                    .isInstanceOf(Passwords.Outcome.Changed.class);
            holder.rollback();
        }
        HttpResponse<String> signedIn = signIn.get(30, TimeUnit.SECONDS);
        assertThat(signedIn.headers().firstValue("Location").orElse(""))
                .as("the old password was checked before the reset")
                .doesNotContain("/login");

        HttpResponse<String> next = browser.send(
                HttpRequest.newBuilder(uri("/account")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(next.headers().firstValue("Location").orElse("")).contains("/login");
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

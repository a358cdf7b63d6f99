package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.DatabaseSwitch;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Signing in while PostgreSQL is out of reach (taken away as {@code DatabaseOutageTest} does, by a
 * real driver and pool pointed at a closed port): the sign-in form answers the outage page (503 with
 * Retry-After) and an API call with a valid token a 503 problem+json. Never "wrong password" (the
 * person would doubt a password that is right), never a 401 for a valid token (a client would drop
 * it), never a 500; and the attempt is not counted against the account's or the address's sign-in
 * throttle, so a user who retries through an outage is not locked out for it.
 */
@Import(DatabaseSwitch.Config.class)
class SignInDuringOutageTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String BROWSER_ACCEPT =
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
    static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @AfterEach
    void databaseBack() {
        DatabaseSwitch.up();
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void theSignInFormWhileTheDatabaseIsAwayAnswersTheOutagePage() throws Exception {
        String email = newUser();
        Callable<HttpResponse<String>> signIn = signInLater(email, PASSWORD);

        DatabaseSwitch.down();
        HttpResponse<String> answer = signIn.call();
        DatabaseSwitch.up();

        assertOutagePage(answer);
        assertNothingCounted();
    }

    @Test
    void aSignInWhoseAccountCannotBeReadAnswersTheOutagePageNotAWrongPassword() throws Exception {
        String email = newUser();
        Callable<HttpResponse<String>> signIn = signInLater(email, PASSWORD);

        // the throttle's claim goes through, then the database drops before the account is read
        DatabaseSwitch.downFor(f -> f.getMethodName().equals("principalByEmail"));
        HttpResponse<String> answer = signIn.call();
        DatabaseSwitch.up();

        assertOutagePage(answer);
        assertNothingCounted();
        // the same password works as soon as the database is back
        assertThat(signInLater(email, PASSWORD).call().headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("/login"));
    }

    @Test
    void repeatedSignInsThroughAnOutageDoNotLockTheAccount() throws Exception {
        String email = newUser();
        DatabaseSwitch.downFor(f -> f.getMethodName().equals("principalByEmail"));
        for (int i = 0; i < 8; i++) {
            assertOutagePage(signInLater(email, PASSWORD).call());
        }
        DatabaseSwitch.up();

        assertNothingCounted();
        assertThat(signInLater(email, PASSWORD).call().headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("/login"));
    }

    @Test
    void aValidApiTokenWhileTheDatabaseIsAwayGets503ProblemJsonNot401() throws Exception {
        DatabaseSwitch.down();
        HttpResponse<String> answer = api("/api/v1/credits");
        DatabaseSwitch.up();

        assertOutageProblem(answer);
        assertThat(api("/api/v1/credits").statusCode()).isEqualTo(200);
    }

    @Test
    void aValidApiTokenWhoseLookupFailsGets503ProblemJsonNot401() throws Exception {
        DatabaseSwitch.downFor(f -> f.getClassName().endsWith(".TokenStore"));
        HttpResponse<String> answer = api("/api/v1/credits");
        DatabaseSwitch.up();

        assertOutageProblem(answer);
    }

    private static void assertOutagePage(HttpResponse<String> answer) {
        assertThat(answer.statusCode())
                .as("%s %s", answer.headers().firstValue("Location").orElse(""), answer.body())
                .isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(answer.body()).contains("renderbank is briefly unavailable").doesNotContain("password");
    }

    private static void assertOutageProblem(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).isPresent();
        assertThat(answer.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(answer.body()).contains("database-unavailable");
    }

    private void assertNothingCounted() {
        assertThat(jdbc.sql("select coalesce(sum(failures), 0) from login_throttle_account")
                        .query(Integer.class)
                        .single())
                .as("failures counted against the account")
                .isZero();
        assertThat(jdbc.sql("select coalesce(sum(failures), 0) from login_throttle_client")
                        .query(Integer.class)
                        .single())
                .as("failures counted against the address")
                .isZero();
        assertThat(jdbc.sql("select count(*) from login_throttle_account where blocked_until is not null")
                        .query(Integer.class)
                        .single())
                .isZero();
    }

    private String newUser() {
        String email = "outage-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        return email;
    }

    /** Opens the sign-in page now (its session and CSRF token); the form is sent by the callable, as a browser sends it. */
    private Callable<HttpResponse<String>> signInLater(String email, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new java.net.CookieManager())
                .build();
        String page = browser.send(
                        HttpRequest.newBuilder(uri("/login")).GET().build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("the sign-in page has its CSRF token").isTrue();
        String form = "_csrf=" + enc(m.group(1)) + "&username=" + enc(email) + "&password=" + enc(password);
        HttpRequest post = HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", BROWSER_ACCEPT)
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return () -> browser.send(post, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri(path))
                                .header("Authorization", "Bearer " + DEMO_TOKEN)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

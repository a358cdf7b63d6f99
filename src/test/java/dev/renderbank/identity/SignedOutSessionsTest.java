package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a signed-out caller can make the server store (security review): every anonymous GET of a
 * protected page saved the whole request (every header, cookie and the query) into a new session
 * row, up to ~8 KB a request, and every anonymous page view stored a session for the CSRF token of
 * the layout's meta tag. Now only the address to return to after sign-in is kept, none at all for a
 * long one, and a page without a form stores no session. Counted with raw SQL: {@code BusinessRows}
 * leaves the session tables out on purpose.
 */
class SignedOutSessionsTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static final String PAD = "p".repeat(6000);

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    /** No cookie handler: every request is a new signed-out caller, as a script sending them would be. */
    private final HttpClient client = HttpClient.newHttpClient();

    /**
     * 50 views of pages without a form and 50 requests for a protected page, each with a 6,000
     * character header and no cookie: the pages store no session at all, the protected page one
     * session each with its address only. Counted by creation time, so Spring Session's cleanup of
     * expired sessions meanwhile cannot hide a row.
     */
    @Test
    void aHundredSignedOutRequestsStoreLittle() throws Exception {
        long start = System.currentTimeMillis();
        // a 404 page, a 400 page, a spent reset link (no form on it) and the health endpoint
        List<Map.Entry<String, Integer>> pages = List.of(
                Map.entry("/css/no-such-sheet-" + UUID.randomUUID() + ".css", 404),
                Map.entry("/login?locked=abc", 400),
                Map.entry("/password/reset?token=" + UUID.randomUUID(), 400),
                Map.entry("/actuator/health", 200));
        for (int i = 0; i < 50; i++) {
            String path = pages.get(i % pages.size()).getKey();
            HttpResponse<String> r = send(path, path.startsWith("/actuator") ? "*/*" : BROWSER);
            assertThat(r.statusCode())
                    .as(path)
                    .isEqualTo(pages.get(i % pages.size()).getValue());
            assertThat(r.headers().allValues("Set-Cookie"))
                    .as("%s sets no session cookie", path)
                    .noneMatch(c -> c.startsWith("SESSION="));
            assertThat(r.body()).as(path).doesNotContain("_csrf");
        }
        assertThat(sessionsSince(start))
                .as("sessions stored for pages without a form")
                .isZero();

        for (int i = 0; i < 50; i++) {
            HttpResponse<String> r = send("/creations", "*/*");
            assertThat(r.statusCode()).isEqualTo(302);
            assertThat(r.headers().firstValue("Location").orElse("")).endsWith("/login");
        }
        assertThat(sessionsSince(start)).as("sessions stored").isLessThanOrEqualTo(50);
        // the whole request was kept before: ~7 KB a session, ~360 KB for these 50; now ~26 bytes each
        assertThat(attributeBytesSince(start)).as("session attribute bytes").isLessThan(50_000);
        assertThat(largestAttributeSince(start)).as("largest attribute").isLessThan(200);
    }

    @Test
    void aSignedOutUserIsBroughtBackToThePageAfterSigningIn() throws Exception {
        UserAccount user = users.create("back-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        FormClient browser = new FormClient(port);
        HttpResponse<String> asked = browser.get("/creations?status=", "Accept", BROWSER);
        assertThat(FormClient.location(asked)).endsWith("/login");

        String back = browser.signIn(user.email(), PASSWORD);
        assertThat(URI.create(back).getRawPath()).isEqualTo("/creations");
        assertThat(URI.create(back).getRawQuery()).isEqualTo("status=&continue");
        HttpResponse<String> page = browser.get(pathAndQuery(back), "Accept", BROWSER);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Creations");
    }

    @Test
    void aLongAddressIsNotKeptAndSignInLeadsHome() throws Exception {
        UserAccount user = users.create("long-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        FormClient browser = new FormClient(port);
        long start = System.currentTimeMillis();
        HttpResponse<String> asked = browser.get("/creations?status=&x=" + "y".repeat(3000), "Accept", BROWSER);
        assertThat(FormClient.location(asked)).endsWith("/login");
        assertThat(sessionsSince(start))
                .as("no session for an address not kept")
                .isZero();

        String back = browser.signIn(user.email(), PASSWORD);
        assertThat(URI.create(back).getRawPath()).isEqualTo("/");
        assertThat(URI.create(back).getRawQuery()).isNull();
    }

    /** The path and query of a redirect's Location, absolute or not. */
    private static String pathAndQuery(String location) {
        URI uri = URI.create(location);
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private HttpResponse<String> send(String path, String accept) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Accept", accept)
                        .header("X-Pad", PAD)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long sessionsSince(long millis) {
        return jdbc.sql("select count(*) from spring_session where creation_time >= :t")
                .param("t", millis)
                .query(Long.class)
                .single();
    }

    private long attributeBytesSince(long millis) {
        return jdbc.sql("""
                        select coalesce(sum(octet_length(a.attribute_bytes)), 0)
                        from spring_session_attributes a join spring_session s on s.primary_id = a.session_primary_id
                        where s.creation_time >= :t
                        """).param("t", millis).query(Long.class).single();
    }

    private long largestAttributeSince(long millis) {
        return jdbc.sql("""
                        select coalesce(max(octet_length(a.attribute_bytes)), 0)
                        from spring_session_attributes a join spring_session s on s.primary_id = a.session_primary_id
                        where s.creation_time >= :t
                        """).param("t", millis).query(Long.class).single();
    }
}

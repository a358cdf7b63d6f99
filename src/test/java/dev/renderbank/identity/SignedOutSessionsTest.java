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
 * What a signed-out caller can make the server store (security review): every anonymous page view
 * stored a session for the CSRF token of the layout's meta tag. Now a page without a form stores no
 * session. Counted with raw SQL: {@code BusinessRows} leaves the session tables out on purpose.
 */
class SignedOutSessionsTest extends IntegrationTest {

    static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    static final String PAD = "p".repeat(6000);

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    /** No cookie handler: every request is a new signed-out caller, as a script sending them would be. */
    private final HttpClient client = HttpClient.newHttpClient();

    /**
     * 50 views of pages without a form, each with a 6,000 character header and no cookie: no session
     * at all. Counted by creation time, so Spring Session's cleanup of expired sessions meanwhile
     * cannot hide a row.
     */
    @Test
    void signedOutPagesWithoutAFormStoreNoSession() throws Exception {
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
}

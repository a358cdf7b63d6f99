package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * One browser session sending several form posts at once (a double-clicked button, two tabs), each
 * of which adds a session attribute (here the flash message of a refused checkout): every post is
 * answered with its redirect, none with a server error. Spring Session's default insert of a new
 * attribute row failed on the primary key for all but the first of them.
 */
class ConcurrentSessionWritesTest extends IntegrationTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Test
    void formPostsOfOneSessionAtOnceAreEachAnsweredWithTheirRedirect() throws Exception {
        String email = "double-click-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        BrowserSession browser = BrowserSession.signIn(port, email, PASSWORD);
        for (int round = 0; round < 5; round++) {
            // the page shows (and so removes) the last round's flash message: each round adds it anew
            Matcher m = CSRF.matcher(browser.get("/buy").body());
            assertThat(m.find()).isTrue();
            String form = "product=no-such-product&key=" + UUID.randomUUID() + "&_csrf="
                    + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
            List<Callable<Integer>> posts = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                posts.add(() -> browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/buy"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form)))
                        .statusCode());
            }
            @SuppressWarnings("unchecked")
            List<Integer> statuses = dev.renderbank.support.Concurrently.run(posts.toArray(new Callable[0]));
            assertThat(statuses).as("round %d", round).containsOnly(302);
        }
        assertThat(browser.get("/buy").body()).contains("no-such-product");
    }
}

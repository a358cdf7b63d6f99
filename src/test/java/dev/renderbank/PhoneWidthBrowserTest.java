package dev.renderbank;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The signed-in user's pages on a phone (390 x 844, an iPhone 14's viewport) fit its width: no page
 * scrolls sideways, whatever its tables hold. The content is what makes pages wide in real use: a
 * webhook delivery whose last answer is a long exception message, a long endpoint URL, several API
 * tokens with expiry dates, a failed creation. Screenshots at 390 and 1280 px land in
 * target/screenshots/layout for people to look at.
 */
class PhoneWidthBrowserTest extends BrowserTest {

    static final String LONG_ERROR = "SSLHandshakeException: PKIX path building failed:"
            + " sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid"
            + " certification path to requested target";

    /**
     * How far the page reaches past the viewport's right edge, and the widest elements that reach
     * past it (for the failure message). Evaluated through the DevTools protocol, which the page's
     * CSP does not govern.
     */
    static final String OVERFLOW = """
            () => {
              const w = window.innerWidth;
              const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > w + 0.5)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                  + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().replace(/\\s+/g, '.') : '')
                  + ' right=' + Math.round(e.getBoundingClientRect().right))
                .slice(0, 8);
              return { scrollWidth: document.documentElement.scrollWidth, innerWidth: w, wide: wide.join('; ') };
            }""";

    @Autowired
    TestUsers testUsers;

    @Autowired
    dev.renderbank.identity.Users users;

    @Autowired
    KieSimulator simulator;

    @Autowired
    JdbcClient jdbc;

    @Test
    void everyAccountPageFitsAPhoneWidth() throws Exception {
        TestUsers.TestUser user = testUsers.create(200);
        tokens(user);
        webhookEndpointWithFailingDeliveries(user.id());
        String failed = failedCreation(user.token());

        Path shots = Files.createDirectories(Path.of("target/screenshots/layout"));
        List<String> pages = List.of(
                "/account/webhooks",
                "/account/tokens",
                "/creations",
                "/creations/" + failed,
                "/account",
                "/buy",
                "/rewards",
                "/",
                "/account/delete");
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844))) {
            Page page = context.newPage();
            SignInForm.signIn(page, port, user.email(), "correct horse battery staple");
            SoftAssertions widths = new SoftAssertions();
            for (String path : pages) {
                page.navigate(url(path));
                assertFits(page, path, widths);
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(shots.resolve(name(path) + "-390.png"))
                        .setFullPage(true));
            }
            widths.assertAll();

            // the long last answer shows its start; its whole text is one tap away, and fits too
            page.navigate(url("/account/webhooks"));
            Locator answer = page.locator("td.err details", new Page.LocatorOptions().setHasText("SSLHandshake"));
            assertThat(answer.locator(".full")).isHidden();
            answer.locator("summary").click();
            assertThat(answer.locator(".full")).hasText(LONG_ERROR);
            SoftAssertions opened = new SoftAssertions();
            assertFits(page, "/account/webhooks with the long answer opened", opened);
            opened.assertAll();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("account-webhooks-390.png"))
                    .setFullPage(true));

            page.setViewportSize(1280, 900);
            for (String path : pages) {
                page.navigate(url(path));
                page.screenshot(new Page.ScreenshotOptions()
                        .setPath(shots.resolve(name(path) + "-1280.png"))
                        .setFullPage(true));
            }
        }
    }

    /** The page does not scroll sideways: {@code document.documentElement.scrollWidth <= innerWidth}. */
    @SuppressWarnings("unchecked")
    private static void assertFits(Page page, String what, SoftAssertions softly) {
        var overflow = (java.util.Map<String, Object>) page.evaluate(OVERFLOW);
        softly.assertThat(((Number) overflow.get("scrollWidth")).intValue())
                .as("width of %s at %s px (wider: %s)", what, overflow.get("innerWidth"), overflow.get("wide"))
                .isLessThanOrEqualTo(((Number) overflow.get("innerWidth")).intValue());
    }

    private static String name(String path) {
        String name = path.equals("/") ? "generator" : path.substring(1).replace('/', '-');
        return name.startsWith("creations-") ? "creation" : name;
    }

    /** Four tokens besides the test's own: one used, one expiring, one expired, one with a long name. */
    private void tokens(TestUsers.TestUser user) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        users.issueToken(user.id(), "nightly render script");
        users.issueToken(user.id(), "CI pipeline (staging, eu-central-1) thumbnail renderer");
        users.issueToken(user.id(), "old laptop");
        users.issueToken(user.id(), "zapier");
        jdbc.sql("update api_token set last_used_at = :t where user_id = :u and name = 'nightly render script'")
                .param("t", Timestamp.from(now.minus(3, ChronoUnit.HOURS)))
                .param("u", user.id())
                .update();
        jdbc.sql("update api_token set expires_at = :t where user_id = :u and name like 'CI pipeline%'")
                .param("t", Timestamp.from(now.plus(90, ChronoUnit.DAYS)))
                .param("u", user.id())
                .update();
        jdbc.sql("update api_token set expires_at = :t where user_id = :u and name = 'old laptop'")
                .param("t", Timestamp.from(now.minus(2, ChronoUnit.DAYS)))
                .param("u", user.id())
                .update();
    }

    /**
     * An endpoint with a long URL and three deliveries: one that failed on a TLS error (a long
     * message with no spaces in its class names), one waiting after a timeout, one delivered.
     */
    private void webhookEndpointWithFailingDeliveries(long userId) {
        String endpoint = "we_" + UUID.randomUUID().toString().replace("-", "");
        Instant now = Instant.now();
        jdbc.sql("""
                        insert into webhook_endpoint (id, user_id, url, events, secret, created_at)
                        values (:id, :u, :url, :events, 'whsec_test', :t)""")
                .param("id", endpoint)
                .param("u", userId)
                .param("url", "https://hooks.example-company.com/integrations/renderbank/webhooks/production-eu")
                .param(
                        "events",
                        new String[] {"credits.granted", "credits.low", "generation.completed", "generation.failed"})
                .param("t", Timestamp.from(now.minus(4, ChronoUnit.DAYS)))
                .update();
        delivery(
                endpoint,
                userId,
                "generation.completed",
                "FAILED",
                14,
                null,
                LONG_ERROR,
                now.minus(2, ChronoUnit.DAYS));
        delivery(
                endpoint,
                userId,
                "credits.low",
                "PENDING",
                3,
                null,
                "HttpTimeoutException: request timed out",
                now.minus(1, ChronoUnit.HOURS));
        delivery(endpoint, userId, "credits.granted", "DELIVERED", 1, 200, null, now.minus(10, ChronoUnit.MINUTES));
    }

    private void delivery(
            String endpoint,
            long userId,
            String type,
            String status,
            int attempts,
            Integer code,
            String error,
            Instant created) {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("""
                        insert into webhook_delivery (id, endpoint_id, user_id, event_key, event_type, body, status,
                            attempts, next_attempt_at, give_up_at, last_status, last_error, created_at)
                        values (:id, :e, :u, :key, :type, '{}', :status, :attempts, :next, :giveUp, :code, :error, :t)""")
                .param("id", id)
                .param("e", endpoint)
                .param("u", userId)
                .param("key", id)
                .param("type", type)
                .param("status", status)
                .param("attempts", attempts)
                .param("next", Timestamp.from(created.plus(365, ChronoUnit.DAYS)))
                .param("giveUp", Timestamp.from(created.plus(1, ChronoUnit.DAYS)))
                .param("code", code)
                .param("error", error)
                .param("t", Timestamp.from(created))
                .update();
    }

    /** A creation the provider failed, so /creations and its page show an error. */
    private String failedCreation(String token) {
        Api api = new Api(port);
        simulator.setFailureRate(1.0);
        try {
            Api.Response accepted = api.post(
                    "/api/v1/generate-image",
                    token,
                    "{\"model\":\"nano-banana\",\"prompt\":\"a red kite over a grey sea, seen from a cliff at dusk\"}");
            assertThat(accepted.status()).isEqualTo(202);
            String taskId = accepted.json().get("taskId").asString();
            api.awaitTerminal(taskId, token);
            return taskId;
        } finally {
            simulator.setFailureRate(0);
        }
    }
}

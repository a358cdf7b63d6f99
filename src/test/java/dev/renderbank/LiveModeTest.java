package dev.renderbank;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.IntegrationTest;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * A real provider key and real payments (Creem): nothing of the simulators is reachable (issue 9,
 * items 2 and 3). A {@code simulated} checkout row left in the database by a development or beta
 * period cannot be "paid" for free.
 */
@TestPropertySource(
        properties = {
            "renderbank.provider.kie.api-key=live-kie-key",
            "renderbank.provider.kie.base-url=http://127.0.0.1:9",
            "renderbank.payments.provider=creem",
            "renderbank.payments.creem.base-url=http://127.0.0.1:9",
            "CREEM_API_KEY=creem_live_key",
            "CREEM_WEBHOOK_SECRET=creem-live-webhook-secret-31",
        })
class LiveModeTest extends IntegrationTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final String PASSWORD = "a-long-password-123";

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ApplicationContext context;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void neitherTheProviderSimulatorNorTheSimulatedCheckoutIsMapped() {
        assertThat(mappings.getHandlerMethods().keySet())
                .extracting(Object::toString)
                .noneMatch(pattern -> pattern.contains("/sim/"))
                .noneMatch(pattern -> pattern.contains("/checkout/simulated"));
    }

    @Test
    void theProviderSimulatorsCallbackTaskIsNotScheduled() {
        // with a real key the simulator never runs: its recurring task would still be picked and
        // rescheduled every second (two writes a second, for ever) to find nothing to do
        assertThat(context.getBeansOfType(RecurringTask.class).values())
                .extracting(RecurringTask::getName)
                .doesNotContain("kie-simulator-callbacks");
        assertThat(jdbc.sql("select count(*) from scheduled_tasks where task_name = 'kie-simulator-callbacks'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aStoredSimulatedCheckoutCannotBeCompletedWithRealPayments() throws Exception {
        UserAccount buyer = users.create("beta-" + UUID.randomUUID() + "@example.com", PASSWORD, Role.USER, true);
        String checkoutId = "chk_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("""
                        insert into billing_checkout (id, user_id, product, provider, url, status, created_at)
                        values (:id, :user, 'pack-5000', 'simulated', :url, 'OPEN', now())""")
                .param("id", checkoutId)
                .param("user", buyer.id())
                .param("url", "http://localhost:" + port + "/checkout/simulated/" + checkoutId)
                .update();

        Browser browser = login(buyer);
        String path = "/checkout/simulated/" + checkoutId;
        HttpResponse<String> page = browser.get(path);
        assertThat(page.statusCode()).isEqualTo(404);
        HttpResponse<String> pay = browser.post(
                path + "/pay", "_csrf=" + csrf(browser.get("/login").body()));
        assertThat(pay.statusCode()).isEqualTo(404);

        assertThat(ledger.balance(buyer.id()).available()).isZero();
        assertThat(jdbc.sql("select count(*) from payment_event")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(jdbc.sql("select status from billing_checkout where id = :id")
                        .param("id", checkoutId)
                        .query(String.class)
                        .single())
                .isEqualTo("OPEN");
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("CSRF token in page").isTrue();
        return URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
    }

    private Browser login(UserAccount u) throws Exception {
        Browser b = new Browser();
        String token = csrf(b.get("/login").body());
        HttpResponse<String> r = b.post(
                "/login",
                "username=" + URLEncoder.encode(u.email(), StandardCharsets.UTF_8) + "&password=" + PASSWORD + "&_csrf="
                        + token);
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).doesNotContain("error"));
        return b;
    }

    /** A session-keeping client, like a browser (no redirects followed, so statuses stay visible). */
    private class Browser {
        private final HttpClient client = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();

        HttpResponse<String> get(String path) throws Exception {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String form) throws Exception {
            return client.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}

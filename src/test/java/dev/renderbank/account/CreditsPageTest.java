package dev.renderbank.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.Billing;
import dev.renderbank.billing.Subscription;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.Switches;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The credits and buy pages over HTTP: who may see and change what, pagination, the buy form's key. */
class CreditsPageTest extends IntegrationTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern KEY = Pattern.compile("name=\"key\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    Billing billing;

    @Autowired
    Switches switches;

    @Test
    void anonymousVisitorsAreSentToSignIn() throws Exception {
        var anonymous = java.net.http.HttpClient.newHttpClient();
        for (String path : List.of("/account", "/buy", "/rewards", "/account/plans/x/cancel")) {
            HttpResponse<String> r = anonymous.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(302);
            assertThat(r.headers().firstValue("Location"))
                    .as(path)
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
        }
    }

    /** An unverified account is told up front that check-in and share wait for its verification link. */
    @Test
    void theRewardsPageTellsAnUnverifiedAccountToVerifyFirst() throws Exception {
        UserAccount unverified = users.create("page-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, false);
        String page = BrowserSession.signIn(port, unverified.email(), PASSWORD)
                .get("/rewards")
                .body();
        assertThat(page).contains("open the link in the verification email");
        assertThat(page).containsPattern("<button[^>]*id=\"check-in\"[^>]*disabled");
        assertThat(page).containsPattern("<button[^>]*id=\"share\"[^>]*disabled");

        String verified = BrowserSession.signIn(port, user().email(), PASSWORD)
                .get("/rewards")
                .body();
        assertThat(verified).doesNotContain("open the link in the verification email");
        assertThat(verified).doesNotContainPattern("<button[^>]*id=\"share\"[^>]*disabled");
    }

    @Test
    void cancellingAPlanTakesAConfirmationAndOnlyItsOwnerCanDoIt() throws Exception {
        UserAccount owner = user();
        BrowserSession session = BrowserSession.signIn(port, owner.email(), PASSWORD);
        buy(session, "pro-monthly");
        String id = billing.subscriptions(owner.id()).get(0).id();
        String confirm = "/account/plans/" + id + "/cancel";

        BrowserSession stranger = BrowserSession.signIn(port, user().email(), PASSWORD);
        assertThat(stranger.get(confirm).statusCode()).isEqualTo(404);
        assertThat(post(
                                stranger,
                                confirm,
                                "_csrf=" + csrf(stranger.get("/account").body()))
                        .statusCode())
                .isEqualTo(404);

        HttpResponse<String> page = session.get(confirm);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Yes, cancel the plan");
        assertThat(post(session, confirm, "").statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(status(owner)).isEqualTo("active");

        HttpResponse<String> done = post(session, confirm, "_csrf=" + csrf(page.body()));
        assertThat(done.statusCode()).isEqualTo(302);
        assertThat(status(owner)).isEqualTo("canceled");
        assertThat(session.get("/account").body())
                .contains("Your plan is cancelled")
                .doesNotContain(confirm);
    }

    @Test
    void aDoubleSubmittedBuyFormOpensOneCheckout() throws Exception {
        BrowserSession session = BrowserSession.signIn(port, user().email(), PASSWORD);
        String page = session.get("/buy").body();
        String form = "product=pack-200&key=" + key(page) + "&_csrf=" + csrf(page);
        String first =
                post(session, "/buy", form).headers().firstValue("Location").orElseThrow();
        String second =
                post(session, "/buy", form).headers().firstValue("Location").orElseThrow();
        assertThat(first).contains("/checkout/simulated/chk_").isEqualTo(second);

        String next = session.get("/buy").body();
        String other = post(session, "/buy", "product=pack-200&key=" + key(next) + "&_csrf=" + csrf(next))
                .headers()
                .firstValue("Location")
                .orElseThrow();
        assertThat(other).as("a new visit is a new checkout").isNotEqualTo(first);

        HttpResponse<String> unknown = post(session, "/buy", "product=pack-3&key=k&_csrf=" + csrf(next));
        assertThat(unknown.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/buy"));
        assertThat(session.get("/buy").body()).contains("We do not sell &quot;pack-3&quot;");
    }

    /** An operator's sales pause reaches the buyer in their words, with when to come back. */
    @Test
    void pausedSalesShowTheOperatorsMessageOnTheBuyPage() throws Exception {
        BrowserSession session = BrowserSession.signIn(port, user().email(), PASSWORD);
        String page = session.get("/buy").body();
        switches.set(Switches.SALES, true, "New prices arrive at noon.", 3600, "test", Instant.now());
        try {
            HttpResponse<String> refused =
                    post(session, "/buy", "product=pack-200&key=" + key(page) + "&_csrf=" + csrf(page));
            assertThat(refused.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).endsWith("/buy"));
        } finally {
            switches.set(Switches.SALES, false, null, null, "test", Instant.now());
        }
        assertThat(session.get("/buy").body())
                .contains("Sales are paused: New prices arrive at noon. Nothing was charged."
                        + " Please try again in 1 hour.");
    }

    @Test
    void theHistoryIsPagedByCursorAndShowsOnlyTheUsersOwnEntries() throws Exception {
        UserAccount u = user();
        UserAccount other = user();
        for (int i = 1; i <= CreditsPage.HISTORY_PAGE + 5; i++) {
            ledger.grant(u.id(), i, GrantSource.COMPENSATION, "page-test:" + u.id() + ":" + i, null, "gift " + i);
        }
        ledger.grant(other.id(), 7, GrantSource.COMPENSATION, "page-test:" + other.id(), null, "not yours");
        BrowserSession session = BrowserSession.signIn(port, u.email(), PASSWORD);

        String first = session.get("/account").body();
        assertThat(rows(first)).isEqualTo(CreditsPage.HISTORY_PAGE);
        assertThat(first)
                .contains("Compensation: gift 25")
                .doesNotContain("gift 5<")
                .doesNotContain("not yours");
        Matcher older = Pattern.compile("href=\"(/account\\?history=\\d+)\">Older entries")
                .matcher(first);
        assertThat(older.find()).isTrue();

        String second = session.get(older.group(1)).body();
        assertThat(rows(second)).isEqualTo(5);
        assertThat(second)
                .contains("Compensation: gift 5<")
                .contains("Compensation: gift 1<")
                .doesNotContain("Older entries");
    }

    private UserAccount user() {
        return users.create("page-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
    }

    private String status(UserAccount u) {
        return billing.subscriptions(u.id()).stream()
                .map(Subscription::status)
                .findFirst()
                .orElseThrow();
    }

    /** Buys through the buy form and the simulated checkout, as the browser would. */
    private void buy(BrowserSession session, String product) throws Exception {
        String page = session.get("/buy").body();
        HttpResponse<String> r =
                post(session, "/buy", "product=" + product + "&key=" + key(page) + "&_csrf=" + csrf(page));
        String checkout = r.headers().firstValue("Location").orElseThrow().replaceFirst("^https?://[^/]+", "");
        String pay = session.get(checkout).body();
        assertThat(post(session, checkout + "/pay", "_csrf=" + csrf(pay)).body())
                .contains("Payment received");
    }

    private HttpResponse<String> post(BrowserSession session, String path, String form) throws Exception {
        return session.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private static int rows(String html) {
        String table = html.substring(html.indexOf("<table id=\"history\""), html.indexOf("</table>"));
        return table.split("<td class=\"when\"", -1).length - 1;
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("CSRF token in page").isTrue();
        return URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
    }

    private static String key(String html) {
        Matcher m = KEY.matcher(html);
        assertThat(m.find()).as("checkout key in the buy form").isTrue();
        return m.group(1);
    }
}

package dev.renderbank.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.rewards.RewardResult;
import dev.renderbank.billing.rewards.Rewards;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.LedgerEntry;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** "Delete my account": what goes, what stays for the books, and that it cannot be undone by signing up again. */
class AccountDeletionTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final Pattern FORM_CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Autowired
    Users users;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    Ledger ledger;

    @Autowired
    Rewards rewards;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aDeletedAccountCannotSignInItsTokensAndJobsStopAndItsCreditsAreForfeitedWithTheBooksBalanced()
            throws Exception {
        TestUsers.TestUser user = testUsers.create(100);
        Api api = new Api(port);
        Api.Response accepted = api.post(
                "/api/v1/generate-video",
                user.token(),
                "{\"model\":\"sora-2\",\"prompt\":\"waves at night\",\"aspectRatio\":\"portrait\",\"durationSeconds\":10}");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String taskId = accepted.json().get("taskId").asString();
        assertThat(ledger.balance(user.id()).held()).isEqualTo(25);

        SessionApi session = SessionApi.signIn(port, user.email(), PASSWORD, "/account/delete");
        SessionApi otherBrowser = SessionApi.signIn(port, user.email(), PASSWORD, "/account/tokens");
        HttpResponse<String> wrong = postForm(session.browser(), session.csrf(), "password=not-my-password");
        assertThat(wrong.statusCode()).isEqualTo(422);
        assertThat(wrong.body()).contains("nothing was deleted");
        assertThat(api.get("/api/v1/credits", user.token()).status()).isEqualTo(200);

        HttpResponse<String> deleted = postForm(
                session.browser(), session.csrf(), "password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8));
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(deleted.headers().firstValue("Location").orElse("")).endsWith("/login?deleted");
        assertThat(session.browser().get("/login?deleted").body())
                .as("the page it lands on says what happened")
                .contains("Your account is deleted");

        // signed out at once, the token refused at once, and the password no longer opens the account
        assertThat(session.browser().get("/account/tokens").statusCode()).isEqualTo(302);
        assertThat(otherBrowser.browser().get("/account/tokens").statusCode())
                .as("the user's other browser is signed out too")
                .isEqualTo(302);
        assertThat(api.get("/api/v1/credits", user.token()).status()).isEqualTo(401);
        assertThat(loginLocation(user.email(), PASSWORD)).contains("error");

        UserAccount row = users.byId(user.id()).orElseThrow();
        assertThat(row.email()).doesNotContain(user.email()).endsWith("@deleted.invalid");
        assertThat(row.displayName()).isNull();

        // the running job is failed and released; then what is left is forfeited, with an entry
        Awaitility.await()
                .atMost(Duration.ofSeconds(40))
                .untilAsserted(() -> assertThat(ledger.balance(user.id())).isEqualTo(new Balance(0, 0, 0)));
        assertThat(jdbc.sql("select state from generation_job where id = :id")
                        .param("id", taskId)
                        .query(String.class)
                        .single())
                .isEqualTo("FAILED");
        assertThat(jdbc.sql("select prompt from generation_job where id = :id")
                        .param("id", taskId)
                        .query(String.class)
                        .single())
                .isEmpty();
        // the options a price depends on stay (not personal data): the provider's cost is still known
        assertThat(jdbc.sql("select options::jsonb::text from generation_job where id = :id")
                        .param("id", taskId)
                        .query(String.class)
                        .single())
                .isEqualTo("{\"resolution\": \"720p\", \"durationSeconds\": 10}");
        List<LedgerEntry> history = ledger.history(user.id(), null, 50).items();
        assertThat(history).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("RELEASE");
            assertThat(e.amount()).isEqualTo(25);
        });
        assertThat(history).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("FORFEIT");
            assertThat(e.amount()).isEqualTo(100);
        });
        assertThat(ledger.checkInvariants().violations()).isEmpty();
        // a repeated request changes nothing
        assertThat(deletion.delete(user.id(), PASSWORD)).isInstanceOf(DeletionOutcome.AlreadyDeleted.class);
    }

    @Test
    void theSignupBonusIsPaidOncePerAddressEvenAfterTheAccountIsDeleted() {
        String email = "Bonus-" + UUID.randomUUID() + "@example.com";
        UserAccount first = users.create(email, PASSWORD, Role.USER, false);
        users.markEmailVerified(first.id());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(ledger.balance(first.id()).available()).isEqualTo(15));
        assertThat(deletion.delete(first.id(), PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);

        // the address is free again, and verifies; the bonus is not paid a second time
        UserAccount second = users.create(email.toLowerCase(), PASSWORD, Role.USER, false);
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(users.markEmailVerified(second.id())).isTrue();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("select count(*) from scheduled_tasks where task_instance = :i")
                                .param("i", "billing.signup-bonus:email-verified:" + second.id())
                                .query(Long.class)
                                .single()
                        == 0);
        assertThat(rewards.grantSignupBonus(second.id())).isInstanceOf(RewardResult.Refused.class);
        assertThat(ledger.balance(second.id()).available()).isZero();

        // another address still gets its bonus
        UserAccount other = users.create("other-" + UUID.randomUUID() + "@example.com", PASSWORD, Role.USER, true);
        assertThat(rewards.grantSignupBonus(other.id())).isInstanceOf(RewardResult.Granted.class);
    }

    HttpResponse<String> postForm(BrowserSession browser, String csrf, String form) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/account/delete"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        form + "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8))));
    }

    /** Where the login form sends a fresh browser after posting these credentials. */
    String loginLocation(String email, String password) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String page = client.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = FORM_CSRF.matcher(page);
        assertThat(m.find()).isTrue();
        String form = "username=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
        return client.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .headers()
                .firstValue("Location")
                .orElse("");
    }
}

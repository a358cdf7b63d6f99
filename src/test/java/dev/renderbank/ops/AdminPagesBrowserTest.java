package dev.renderbank.ops;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.LoadState;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Chromium;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The seed's compensation, done by an operator in a real browser: look the user up, grant the lost
 * 200-credit purchase, then a 30-credit apology with an email, as two form submissions; a double
 * click on the submit button grants once. Screenshots go to docs/screenshots.
 */
class AdminPagesBrowserTest extends IntegrationTest {

    static Playwright playwright;
    static Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    Ledger ledger;

    @Autowired
    Users users;

    @Autowired
    Audit audit;

    @Autowired
    TestUsers testUsers;

    @Autowired
    KieSimulator simulator;

    @Autowired
    OperatorJobs operatorJobs;

    @Autowired
    AdminSupport admins;

    @Autowired
    dev.renderbank.billing.core.WebhookIntake webhooks;

    @Autowired
    dev.renderbank.billing.ProductCatalog catalog;

    @BeforeAll
    static void launch() {
        Chromium.assumeInstalled();
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @Autowired
    dev.renderbank.identity.AccountDeletion deletion;

    @Test
    void compensationAsTwoFormSubmissionsAndADoubleClickGrantsOnce() throws Exception {
        String adminEmail = "ops-browser-" + UUID.randomUUID() + "@test.local";
        users.create(adminEmail, "correct horse battery staple", Role.ADMIN, true);
        var customer = users.create(
                "customer-" + UUID.randomUUID() + "@test.local", "correct horse battery staple", Role.USER, true);
        ledger.grant(customer.id(), 15, GrantSource.SIGNUP, "browser-signup:" + customer.id(), null, "sign-up");
        Path shots = Files.createDirectories(Path.of("docs/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = context.newPage();
            page.navigate("http://localhost:" + port + "/admin/users");
            SignInForm.submit(page, adminEmail, "correct horse battery staple");
            page.navigate("http://localhost:" + port + "/admin/users");
            page.fill("#q", customer.email());
            page.click("#find");
            assertThat(page.locator("#balance")).hasText("15");

            page.fill("#grant-amount", "200");
            page.fill("#grant-reason", "lost purchase");
            page.dblclick("#grant-submit");
            // both submissions answer (the second as "already done"); whichever page came last shows it
            page.waitForLoadState(LoadState.NETWORKIDLE);
            assertThat(page.locator("#flash")).containsText("grant of 200 credits");
            assertThat(page.locator("#balance")).hasText("215");

            // the second grant from a freshly opened form, as an operator would after the first
            page.navigate("http://localhost:" + port + "/admin/users");
            page.fill("#q", customer.email());
            page.click("#find");
            assertThat(page.locator("#balance")).hasText("215");
            page.fill("#grant-amount", "30");
            page.fill("#grant-reason", "apology");
            page.check("#grant-notify");
            page.click("#grant-submit");
            assertThat(page.locator("#flash")).containsText("grant of 30 credits");
            assertThat(page.locator("#balance")).hasText("245");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-users.png"))
                    .setFullPage(true));

            // an account its owner deleted reads as deleted, with no Suspend or Reinstate to press
            var leaver = users.create(
                    "leaver-" + UUID.randomUUID() + "@test.local", "correct horse battery staple", Role.USER, true);
            deletion.delete(leaver.id(), "correct horse battery staple");
            page.fill("#q", Long.toString(leaver.id()));
            page.click("#find");
            assertThat(page.locator("#status")).hasText("deleted by its owner (closed for good)");
            assertThat(page.locator("#suspend-form")).hasCount(0);
            assertThat(page.locator("#grant-form")).hasCount(0);
            assertThat(page.locator("#closed")).isVisible();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(Files.createDirectories(Path.of("target/screenshots"))
                            .resolve("admin-users-deleted.png"))
                    .setFullPage(true));

            assertThat(ledger.balance(customer.id()).balance()).isEqualTo(245);
            var grants = audit.list(adminEmail, "grant", "user:" + customer.id(), null, 10);
            assertThat(grants).extracting(OperatorAction::amount).containsExactly(30L, 200L);
            assertThat(grants.get(0).after()).contains("\"notified\": true");
            assertThat(grants.get(1).after()).contains("\"notified\": false");

            // a long history pages: "Older entries" shows the ones before the newest 50
            for (int i = 0; i < 50; i++) {
                ledger.grant(customer.id(), 1, GrantSource.ADMIN, "browser-page:" + customer.id() + ":" + i, null, "x");
            }
            page.navigate("http://localhost:" + port + "/admin/users?q=" + customer.id());
            assertThat(page.locator("#history tbody tr")).hasCount(50);
            page.click("#history-older");
            assertThat(page.locator("#history tbody tr")).hasCount(3);
            assertThat(page.locator("#history")).containsText("apology");
            assertThat(page.locator("#history-newest")).isVisible();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-users-older.png"))
                    .setFullPage(true));

            page.navigate("http://localhost:" + port + "/admin");
            assertThat(page.locator("#jobs-by-state")).isVisible();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin.png"))
                    .setFullPage(true));
            page.navigate("http://localhost:" + port + "/admin/audit?actor=" + adminEmail);
            assertThat(page.locator("#audit tbody tr")).hasCount(2);

            // the apology email is in the outbox, addressed to the customer
            page.navigate("http://localhost:" + port + "/admin/mail");
            assertThat(page.locator("body")).containsText(customer.email());
        }
    }

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private Page signIn(com.microsoft.playwright.BrowserContext context, String path) {
        String adminEmail = "ops-browser-" + UUID.randomUUID() + "@test.local";
        users.create(adminEmail, "correct horse battery staple", Role.ADMIN, true);
        Page page = context.newPage();
        page.navigate("http://localhost:" + port + path);
        SignInForm.submit(page, adminEmail, "correct horse battery staple");
        page.navigate("http://localhost:" + port + path);
        return page;
    }

    @Test
    void aStuckJobIsFailedAndReleasedWithAReasonThatTheAuditShows() throws Exception {
        var u = testUsers.create(100);
        String taskId;
        try {
            taskId = admins.jobAtProvider(port, u.token(), Duration.ofMinutes(10));
        } finally {
            simulator.reset();
        }
        clock.advance(Duration.ofMinutes(2));
        Path shots = Files.createDirectories(Path.of("docs/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = signIn(context, "/admin/jobs?olderThan=1m");
            var row = page.locator("#job-" + taskId);
            assertThat(row).containsText("nano-banana");
            row.locator("input[name=reason]").fill("lost at the provider");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-jobs.png"))
                    .setFullPage(true));
            // the task id opens the job's page, with the repairs while it runs
            row.locator("a:has-text('" + taskId + "')").click();
            assertThat(page.locator("#task-id")).hasText(taskId);
            assertThat(page.locator("#check-form")).isVisible();
            page.goBack();
            row.locator("input[name=reason]").fill("lost at the provider");
            row.locator("button:has-text('Fail and release')").click();
            assertThat(page.locator("#flash")).containsText("job-fail");
            assertThat(page.locator("#job-" + taskId)).hasCount(0);

            // found again by the provider's task id: failed, released, its late result still awaited
            page.fill("#find", operatorJobs.lookup(taskId).orElseThrow().providerTaskId());
            page.click("#find-job");
            assertThat(page.locator("#state")).hasText("FAILED");
            assertThat(page.locator("#entries tbody tr")).hasCount(2);
            assertThat(page.locator("#late-result")).containsText("still asked for");
            assertThat(page.locator("#fail-form")).hasCount(0);
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-job.png"))
                    .setFullPage(true));

            assertThat(operatorJobs.find(taskId).orElseThrow().state()).isEqualTo(JobState.FAILED);
            assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));

            page.navigate("http://localhost:" + port + "/admin/audit?target=job:" + taskId);
            assertThat(page.locator("#audit tbody tr")).hasCount(1);
            assertThat(page.locator("#audit tbody tr")).containsText("lost at the provider");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-audit.png"))
                    .setFullPage(true));
        }
    }

    /**
     * The payments page renders, and a Creem dispute (Creem never reports its end) is closed as won
     * from it: the reason typed, "Won" clicked, the credits it took given back, the row gone.
     */
    @Test
    void thePaymentsAndMarginsPagesRenderAndACreemDisputeIsClosedFromThem() throws Exception {
        var buyer = users.create(
                "buyer-" + UUID.randomUUID() + "@test.local", "correct horse battery staple", Role.USER, true);
        String dispute = CreemDisputes.packDisputed(webhooks, catalog, jdbc, buyer.id());
        assertThat(ledger.balance(buyer.id()).balance()).isZero();
        Path shots = Files.createDirectories(Path.of("docs/screenshots"));
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = signIn(context, "/admin/payments");
            assertThat(page.locator("#events")).isVisible();
            assertThat(page.locator("#purchases")).isVisible();
            var row = page.locator("#dispute-" + dispute);
            assertThat(row).containsText("pack-200");
            row.locator("input[name=reason]").fill("Creem dashboard: dispute won");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-payments.png"))
                    .setFullPage(true));
            row.locator("button:has-text('Won')").click();
            assertThat(page.locator("#flash")).containsText("closed as won");
            assertThat(page.locator("#dispute-" + dispute)).hasCount(0);
            assertThat(ledger.balance(buyer.id()).balance()).isEqualTo(200);
            assertThat(audit.list(null, "dispute-close-won", "dispute:" + dispute, null, 10))
                    .singleElement()
                    .extracting(OperatorAction::reason)
                    .isEqualTo("Creem dashboard: dispute won");
            // filtered by the buyer: their two webhooks with the amounts they name, and their purchase
            page.fill("#user", buyer.email());
            page.click("#filter-user");
            assertThat(page.locator("#user-filter")).isVisible();
            assertThat(page.locator("#events tbody tr")).hasCount(2);
            assertThat(page.locator("#events")).containsText("990 USD");
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-payments-user.png"))
                    .setFullPage(true));
            page.navigate("http://localhost:" + port + "/admin/margins");
            assertThat(page.locator("#not-configured")).containsText("not configured");
            assertThat(page.locator("#per-model")).isVisible();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-margins.png"))
                    .setFullPage(true));
        }
    }
}

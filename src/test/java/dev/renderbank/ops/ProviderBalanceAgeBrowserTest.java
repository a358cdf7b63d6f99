package dev.renderbank.ops;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The dashboard never shows a stale provider balance as if current: it says when the balance was read
 * and, while the balance checks fail, for how long and why. Screenshot:
 * docs/screenshots/admin-provider-balance-failing.png.
 */
class ProviderBalanceAgeBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    Users users;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theDashboardSaysTheBalanceWasNotReadForTwoHoursAndWhy() throws Exception {
        clock.freeze();
        Map<String, Object> before = jdbc.sql("select credits, checked_at, check_failed_since, check_error"
                        + " from provider_balance where id = 1")
                .query()
                .singleRow();
        // as two hours of failed balance checks leave the row (the provider timing out)
        jdbc.sql("""
                        update provider_balance set credits = 4200, checked_at = :read, check_failed_since = :failing,
                               check_error = 'timeout: no answer within PT30S (read timeout)'
                         where id = 1""")
                .param("read", clock.instant().minus(Duration.ofMinutes(125)).atOffset(java.time.ZoneOffset.UTC))
                .param("failing", clock.instant().minus(Duration.ofMinutes(121)).atOffset(java.time.ZoneOffset.UTC))
                .update();
        String adminEmail = "ops-balance-" + UUID.randomUUID() + "@test.local";
        users.create(adminEmail, PASSWORD, Role.ADMIN, true);
        try (var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 900))) {
            Page page = context.newPage();
            page.navigate(url("/admin"));
            SignInForm.submit(page, adminEmail, PASSWORD);
            page.navigate(url("/admin"));

            assertThat(page.locator("#provider-balance")).containsText("4200");
            assertThat(page.locator("#provider-balance-age")).hasText("(not read for 2 h 5 min)");
            assertThat(page.locator("#provider-balance-failing"))
                    .containsText("The balance check has failed for 2 h 1 min");
            assertThat(page.locator("#provider-balance-failing")).containsText("no answer within PT30S");
            page.locator("#provider-balance").scrollIntoViewIfNeeded();
            page.screenshot(new Page.ScreenshotOptions()
                    .setPath(Files.createDirectories(Path.of("docs/screenshots"))
                            .resolve("admin-provider-balance-failing.png"))
                    .setFullPage(true));
        } finally {
            jdbc.sql("""
                            update provider_balance set credits = :credits, checked_at = :read,
                                   check_failed_since = :failing, check_error = :error where id = 1""")
                    .param("credits", before.get("credits"))
                    .param("read", before.get("checked_at"))
                    .param("failing", before.get("check_failed_since"))
                    .param("error", before.get("check_error"))
                    .update();
        }
    }
}

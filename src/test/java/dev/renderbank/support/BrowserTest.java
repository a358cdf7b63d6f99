package dev.renderbank.support;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A browser test on the shared application context: Debian's Chromium through Playwright, launched
 * once per class (skipped without {@code /usr/bin/chromium}), and the checks several pages share.
 */
public abstract class BrowserTest extends IntegrationTest {

    protected static Playwright playwright;
    protected static Browser browser;

    @LocalServerPort
    protected int port;

    @BeforeAll
    static void launchBrowser() {
        Chromium.assumeInstalled();
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright);
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    protected String url(String path) {
        return "http://localhost:" + port + path;
    }

    /**
     * The generator page's progress bar shows a value between 1 and 99 while its job runs. Read
     * through the attribute ({@code <progress>} reflects its value): the page's CSP forbids
     * evaluating script strings, as {@code waitForFunction} would.
     */
    protected static void assertProgressMoves(Page page) {
        assertThat(page.locator("#job-progress"))
                .hasAttribute(
                        "value",
                        Pattern.compile("^[1-9][0-9]?(\\.[0-9]+)?$"),
                        new LocatorAssertions.HasAttributeOptions().setTimeout(20_000));
    }
}

package dev.renderbank.support;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium driven by Playwright for the browser tests: Playwright never downloads a browser
 * of its own; without {@code /usr/bin/chromium} the test is skipped with the command that installs it
 * ({@code .ci/run} installs it, so CI always runs them).
 */
public final class Chromium {

    public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

    private Chromium() {}

    /** Skips the calling test class when Chromium is missing; call first in {@code @BeforeAll}. */
    public static void assumeInstalled() {
        Assumptions.assumeTrue(
                Files.isExecutable(EXECUTABLE), "browser tests need /usr/bin/chromium (apt-get install chromium)");
    }

    public static Playwright playwright() {
        return Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    /** A headless Chromium with no background traffic (tests talk only to loopback). */
    public static Browser launch(Playwright playwright) {
        return playwright
                .chromium()
                .launch(new BrowserType.LaunchOptions()
                        .setExecutablePath(EXECUTABLE)
                        .setHeadless(true)
                        .setArgs(List.of(
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--no-first-run")));
    }
}

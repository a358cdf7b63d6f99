package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.renderbank.support.Chromium;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Controller;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * While PostgreSQL is unreachable (restarting, failing over) every answer is a 503 problem+json
 * with Retry-After, whether the failure surfaces in a controller or in a filter (token lookup,
 * session store), never a 500. The database here is a real PostgreSQL driver and connection pool
 * pointed at a closed port: the exceptions are the ones an outage raises.
 */
class DatabaseOutageTest {

    private static HikariDataSource down;

    @BeforeAll
    static void closedDatabase() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/renderbank");
        config.setConnectionTimeout(250);
        config.setInitializationFailTimeout(-1);
        down = new HikariDataSource(config);
    }

    @AfterAll
    static void close() {
        down.close();
    }

    @RestController
    static class Reads {
        @GetMapping("/reads")
        long reads() {
            return JdbcClient.create(down).sql("select 1").query(Long.class).single();
        }

        @GetMapping("/fails")
        long fails() {
            throw new IllegalStateException("a bug, not an outage");
        }
    }

    /** Like the bearer-token filter: reads the database before any controller runs. */
    static class ReadingFilter extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain) {
            JdbcClient.create(down).sql("select 1").query(Long.class).single();
        }
    }

    private final MockMvc controllers = MockMvcBuilders.standaloneSetup(new Reads())
            .setControllerAdvice(new ApiExceptionHandler())
            .addFilters(new DatabaseOutage())
            .build();

    @Test
    void aControllerThatCannotReachTheDatabaseAnswers503WithRetryAfter() throws Exception {
        controllers
                .perform(get("/reads"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS)))
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.type").value(Problems.TYPE_BASE + "database-unavailable"))
                .andExpect(jsonPath("$.retryAfterSeconds").value(DatabaseOutage.RETRY_AFTER_SECONDS));
    }

    @Test
    void aFilterThatCannotReachTheDatabaseAnswers503WithRetryAfter() throws Exception {
        MockMvcBuilders.standaloneSetup(new Reads())
                .setControllerAdvice(new ApiExceptionHandler())
                .addFilters(new DatabaseOutage(), new ReadingFilter())
                .build()
                .perform(get("/reads"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS)))
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.retryAfterSeconds").value(DatabaseOutage.RETRY_AFTER_SECONDS));
    }

    @Test
    void aRollbackThatFailsBecauseTheServerShutDownIsAnOutage() {
        // Seen in the bank test: a payment webhook's transaction failed because PostgreSQL was stopping
        // (57P01), then its rollback failed on the closed connection; the outage is the cause.
        var shutdown = new java.sql.SQLException("terminating connection due to administrator command", "57P01");
        var rollback = new org.springframework.transaction.TransactionSystemException(
                "JDBC rollback failed", new java.sql.SQLException("Connection is closed"));
        rollback.initApplicationException(new RuntimeException("statement failed", shutdown));

        org.assertj.core.api.Assertions.assertThat(DatabaseOutage.causedBy(rollback))
                .isTrue();
        org.assertj.core.api.Assertions.assertThat(DatabaseOutage.causedBy(
                        new org.springframework.transaction.TransactionSystemException("commit failed")))
                .isFalse();
    }

    /** A page handler (renders a view): what a browser's navigation reaches. */
    @Controller
    static class Page {
        @GetMapping("/account")
        String account() {
            JdbcClient.create(down).sql("select 1").query(Long.class).single();
            return "credits";
        }
    }

    private static final String BROWSER_ACCEPT =
            "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    @Test
    void aPageThatCannotReachTheDatabaseAnswersAReadableHtml503() throws Exception {
        String body = MockMvcBuilders.standaloneSetup(new Page())
                .setHandlerExceptionResolvers(new PageInputRefusals())
                .addFilters(new DatabaseOutage())
                .build()
                .perform(get("/account").header("Accept", BROWSER_ACCEPT))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS)))
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andReturn()
                .getResponse()
                .getContentAsString();
        // the page tells a person the wait its Retry-After tells a client, not another one
        assertThat(body)
                .contains("renderbank is briefly unavailable")
                .contains("Please try again in " + DatabaseOutage.RETRY_AFTER_SECONDS + " seconds.")
                .doesNotContainIgnoringCase("minute");
    }

    @Test
    void aPageWhoseFilterCannotReachTheDatabaseAnswersAReadableHtml503() throws Exception {
        String body = MockMvcBuilders.standaloneSetup(new Page())
                .setHandlerExceptionResolvers(new PageInputRefusals())
                .addFilters(new DatabaseOutage(), new ReadingFilter())
                .build()
                .perform(get("/account").header("Accept", BROWSER_ACCEPT))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS)))
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andReturn()
                .getResponse()
                .getContentAsString();
        assertThat(body)
                .contains("renderbank is briefly unavailable")
                .doesNotContain("\"type\"")
                .doesNotContain("Exception");
        screenshot(body);
    }

    /** Like SecurityHeaders: sets the page headers before the rest of the chain runs. */
    static class PageHeaders extends OncePerRequestFilter {
        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws jakarta.servlet.ServletException, IOException {
            response.setHeader("Content-Security-Policy", "default-src 'self'");
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Set-Cookie", "SESSION=abc");
            chain.doFilter(request, response);
        }
    }

    @Test
    void theOutagePageKeepsTheSecurityHeadersTheRequestHadButNothingElse() throws Exception {
        MockMvcBuilders.standaloneSetup(new Page())
                .setHandlerExceptionResolvers(new PageInputRefusals())
                .addFilters(new DatabaseOutage(), new PageHeaders(), new ReadingFilter())
                .build()
                .perform(get("/account").header("Accept", BROWSER_ACCEPT))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Content-Security-Policy", "default-src 'self'"))
                .andExpect(header().string("X-Frame-Options", "DENY"))
                .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                .andExpect(header().doesNotExist("Set-Cookie"));
    }

    @Test
    void anApiRequestFromABrowserStillGetsProblemJson() throws Exception {
        MockMvcBuilders.standaloneSetup(new Reads())
                .setControllerAdvice(new ApiExceptionHandler())
                .addFilters(new DatabaseOutage(), new ReadingFilter())
                .build()
                .perform(get("/api/v1/credits").header("Accept", BROWSER_ACCEPT))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", String.valueOf(DatabaseOutage.RETRY_AFTER_SECONDS)))
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.type").value(Problems.TYPE_BASE + "database-unavailable"));
    }

    /**
     * The page as Chromium shows it (docs/screenshots/database-unavailable.png), with the
     * application's stylesheet: served by a throwaway local server, since the application itself
     * cannot be started without its database.
     */
    private static void screenshot(String body) throws IOException {
        if (!Files.isExecutable(Chromium.EXECUTABLE)) {
            return;
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            boolean css = exchange.getRequestURI().getPath().equals("/css/app.css");
            byte[] bytes = css
                    ? Files.readAllBytes(Path.of("src/main/resources/static/css/app.css"))
                    : body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", css ? "text/css" : "text/html;charset=UTF-8");
            exchange.sendResponseHeaders(css ? 200 : 503, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try (Playwright playwright = Chromium.playwright();
                Browser browser = Chromium.launch(playwright)) {
            com.microsoft.playwright.Page page = browser.newPage();
            page.navigate("http://127.0.0.1:" + server.getAddress().getPort() + "/account");
            PlaywrightAssertions.assertThat(page.locator("h1")).hasText("renderbank is briefly unavailable");
            Path shots = Files.createDirectories(Path.of("docs/screenshots"));
            page.screenshot(new com.microsoft.playwright.Page.ScreenshotOptions()
                    .setPath(shots.resolve("database-unavailable.png")));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anyOtherFailureIsStillA500() throws Exception {
        controllers.perform(get("/fails")).andExpect(status().isInternalServerError());
    }
}

package dev.renderbank.platform;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
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
                .andExpect(jsonPath("$.type").value(Problems.TYPE_BASE + "database-unavailable"));
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
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
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

    @Test
    void anyOtherFailureIsStillA500() throws Exception {
        controllers.perform(get("/fails")).andExpect(status().isInternalServerError());
    }
}

package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * What {@link DatabaseOutage} writes to the log while PostgreSQL is unreachable (on the closed-port
 * pool of {@link DatabaseOutageTest}): a line at once, then one a minute with a count, not one per request.
 */
class DatabaseOutageLogTest {

    @BeforeAll
    static void closedDatabase() throws java.io.IOException {
        DatabaseOutageTest.closedDatabase();
    }

    @AfterAll
    static void close() {
        DatabaseOutageTest.close();
    }

    private static ListAppender<ILoggingEvent> outageLines() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        ((Logger) LoggerFactory.getLogger(DatabaseOutage.class)).addAppender(lines);
        return lines;
    }

    private static void detach(ListAppender<ILoggingEvent> lines) {
        ((Logger) LoggerFactory.getLogger(DatabaseOutage.class)).detachAppender(lines);
    }

    /**
     * Every request meets an outage, signed in or not: one WARN line per request flooded the log.
     * The first is written at once, the next ones not within the minute.
     */
    @Test
    void anOutageIsLoggedAtOnceThenNotForEveryRequest() throws Exception {
        ListAppender<ILoggingEvent> lines = outageLines();
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new DatabaseOutageTest.Reads())
                .addFilters(new DatabaseOutage(), new DatabaseOutageTest.ReadingFilter())
                .build();
        try {
            for (int i = 0; i < 5; i++) {
                mvc.perform(get("/reads/" + i)).andExpect(status().isServiceUnavailable());
                assertThat(lines.list).hasSize(1);
            }
            assertThat(lines.list.get(0).getFormattedMessage())
                    .startsWith("Database unavailable during GET /reads/0: ");
        } finally {
            detach(lines);
        }
    }

    /** A minute after its last line, the next request that meets the outage says how many met it meanwhile. */
    @Test
    void theNextLineCountsTheRequestsThatMetTheOutageMeanwhile() throws Exception {
        ListAppender<ILoggingEvent> lines = outageLines();
        AtomicLong nanos = new AtomicLong();
        MockMvc mvc = MockMvcBuilders.standaloneSetup(new DatabaseOutageTest.Reads())
                .addFilters(
                        new DatabaseOutage(new LogThrottle(Duration.ofMinutes(1), nanos::get)),
                        new DatabaseOutageTest.ReadingFilter())
                .build();
        try {
            for (int i = 0; i < 5; i++) {
                mvc.perform(get("/reads/" + i)).andExpect(status().isServiceUnavailable());
            }
            nanos.addAndGet(Duration.ofMinutes(1).toNanos());
            mvc.perform(get("/reads/5")).andExpect(status().isServiceUnavailable());

            assertThat(lines.list).hasSize(2);
            assertThat(lines.list.get(1).getFormattedMessage())
                    .startsWith("Database unavailable during GET /reads/5: ")
                    .endsWith("(4 more like it not logged since the last such line)");
        } finally {
            detach(lines);
        }
    }
}

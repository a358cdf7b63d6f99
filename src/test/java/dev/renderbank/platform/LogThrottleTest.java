package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A failure that repeats writes its first line at once, then one line per interval saying how many
 * were left out: the log stays readable through an outage and still says how often it happened.
 */
class LogThrottleTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("test.log-throttle");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final AtomicLong nanos = new AtomicLong(42);
    private final LogThrottle throttle = new LogThrottle(Duration.ofMinutes(1), nanos::get);

    LogThrottleTest() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    private List<String> written() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void theFirstLineIsImmediateTheRepeatsAreCountedInTheNextLine() {
        throttle.warn(logger, "database unavailable during {} {}", "GET", "/a");
        for (int i = 0; i < 9; i++) {
            nanos.addAndGet(Duration.ofSeconds(5).toNanos());
            throttle.warn(logger, "database unavailable during {} {}", "GET", "/b");
        }
        assertThat(written()).containsExactly("database unavailable during GET /a");

        nanos.addAndGet(Duration.ofSeconds(15).toNanos()); // a minute after the first line
        throttle.warn(logger, "database unavailable during {} {}", "POST", "/c");
        throttle.warn(logger, "database unavailable during {} {}", "POST", "/d");

        assertThat(written())
                .containsExactly(
                        "database unavailable during GET /a",
                        "database unavailable during POST /c (9 more like it not logged since the last such line)");
        assertThat(lines.list).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
    }

    @Test
    void aLineAfterAQuietIntervalCarriesNoCount() {
        throttle.warn(logger, "failed");
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        throttle.warn(logger, "failed again");
        assertThat(written()).containsExactly("failed", "failed again");
    }
}

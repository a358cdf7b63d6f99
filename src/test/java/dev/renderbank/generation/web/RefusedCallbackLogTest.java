package dev.renderbank.generation.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The provider callback route is public: a flood of refused callbacks writes a line a second, not a
 * line each, and never echoes a path of kilobytes.
 */
class RefusedCallbackLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger("test.refused-callbacks");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    RefusedCallbackLogTest() {
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
    void aFloodWritesOneLineASecondWithTheCountAndACutId() {
        RefusedCallbackLog log = new RefusedCallbackLog(logger);
        String longId = "x".repeat(7_900);

        for (int i = 0; i < 100; i++) {
            log.refused(longId, "unknown job or wrong token");
        }

        assertThat(written()).hasSize(1);
        assertThat(written().get(0))
                .startsWith("provider callback for " + "x".repeat(RefusedCallbackLog.SHOWN_ID_CHARS) + "… refused")
                .hasSizeLessThan(200);

        // a second later the next refusal is written, with the 99 that were not
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    log.refused("gen_short", "missing, stale or wrong signature");
                    return written().size() == 2;
                });
        assertThat(written().get(1))
                .startsWith("provider callback for gen_short refused: missing, stale or wrong signature")
                .matches(".*\\(and \\d+ more refused callbacks since the last such line\\)");
        int since = Integer.parseInt(written().get(1).replaceAll(".*\\(and (\\d+) more.*", "$1"));
        assertThat(since).isGreaterThanOrEqualTo(99);
    }
}

package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A sweep goes through the overdue jobs once, however many of them cannot be failed (here: jobs
 * without a hold, which failing cannot release): each is named in one error and stays live for the
 * next sweep, and the sweep ends. More of them than one page of the list: the next page must not read
 * them again.
 */
class SweepPastUnfailableJobsTest extends JobRowsTest {

    @Autowired
    Sweeper sweeper;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Sweeper.class);

    @BeforeEach
    void listen() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
    }

    @Test
    void eachJobThatCannotBeFailedIsNamedOncePerSweepAndTheSweepEnds() {
        List<String> unfailable = new ArrayList<>();
        for (int i = 0; i < Sweeper.PAGE + Sweeper.PAGE / 2; i++) {
            unfailable.add(acceptedJob());
        }
        clock.advance(Duration.ofHours(2));

        AtomicReference<String> sweeping = new AtomicReference<>();
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            sweeping.set(Thread.currentThread().getName());
            sweeper.sweep();
        });

        List<ILoggingEvent> errors = lines.list.stream()
                .filter(e -> e.getThreadName().equals(sweeping.get()) && e.getLevel() == Level.ERROR)
                .toList();
        assertThat(unfailable)
                .allSatisfy(id -> assertThat(errors)
                        .filteredOn(e -> e.getFormattedMessage().contains(id))
                        .as("errors naming " + id)
                        .hasSize(1));
        assertThat(unfailable)
                .allSatisfy(id -> assertThat(jobs.find(id).orElseThrow().state().isTerminal())
                        .isFalse());
    }
}

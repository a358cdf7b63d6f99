package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.event.SchedulerListener.SchedulerEventType;
import com.github.kagkarlsson.scheduler.logging.LogLevel;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL stopped under a running db-scheduler and Hikari pool (a real embedded server, stopped and
 * started again): the log shows one line when the outage starts, a summary a minute, one line when it
 * ends, and no stack trace per poll. db-scheduler logged "Unhandled exception. Will keep running." with
 * a full stack trace at every poll, several a second. A task failing for its own reason still logs its
 * stack trace.
 */
class OutageLogTest {

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final AtomicInteger failedPolls = new AtomicInteger();
    private final AtomicLong nanos = new AtomicLong();

    private EmbeddedDatabase.Server server;
    private HikariDataSource pool;
    private Scheduler scheduler;
    private OutageLog outageLog;

    @BeforeEach
    void start() throws Exception {
        lines.start();
        root.addAppender(lines);
        server = EmbeddedDatabase.start(tmp.resolve("postgres"), 0, Duration.ofSeconds(60));
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl());
        config.setConnectionTimeout(250);
        config.setMinimumIdle(2);
        config.setMaximumPoolSize(4);
        config.setInitializationFailTimeout(-1);
        pool = new HikariDataSource(config);
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.execute(
                    Files.readString(Path.of("src/main/resources/db/migration/platform/V1_0_1__scheduled_tasks.sql")));
        }
        outageLog = new OutageLog(pool, nanos::get, Duration.ofMinutes(1), Duration.ofMillis(100));
        RecurringTask<Void> bug = Tasks.recurring("a-bug", FixedDelay.ofMillis(200))
                .execute((instance, context) -> {
                    throw new IllegalStateException("a bug of the task's own, not an outage");
                });
        scheduler = Scheduler.create(pool)
                .startTasks(bug)
                .pollingInterval(Duration.ofMillis(100))
                .heartbeatInterval(Duration.ofMillis(200))
                .threads(2)
                .failureLogging(LogLevel.WARN, true)
                .addSchedulerListener(new AbstractSchedulerListener() {
                    @Override
                    public void onSchedulerEvent(SchedulerEventType type) {
                        if (type == SchedulerEventType.UNEXPECTED_ERROR) {
                            failedPolls.incrementAndGet();
                        }
                    }
                })
                .build();
        scheduler.start();
    }

    @AfterEach
    void stop() throws Exception {
        root.detachAppender(lines);
        if (scheduler != null) {
            scheduler.stop();
        }
        if (outageLog != null) {
            outageLog.stop();
        }
        if (pool != null) {
            pool.close();
        }
        if (server != null) {
            server.stop().close();
        }
    }

    private List<ILoggingEvent> stackTraces() {
        return List.copyOf(lines.list).stream()
                .filter(e -> e.getThrowableProxy() != null)
                .filter(e -> !e.getThrowableProxy().getMessage().contains("a bug of the task's own"))
                .toList();
    }

    private List<String> outageLines() {
        return List.copyOf(lines.list).stream()
                .filter(e -> e.getLoggerName().equals(OutageLog.class.getName()))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /**
     * One connection ended by the server (pg_terminate_backend, a dropped idle connection: Hikari's one
     * "marked as broken" line, SQLSTATE 57P01) while PostgreSQL answers is no outage: the line is written as
     * it came, and no "unreachable" ERROR follows (diff review: it declared an outage from that one line).
     */
    @Test
    void oneConnectionEndedByTheServerIsWrittenAndStartsNoOutage() throws Exception {
        lines.list.clear();
        LoggerFactory.getLogger("com.zaxxer.hikari.pool.PoolBase")
                .warn(
                        "outage-log-test - Connection marked as broken because of SQLSTATE(57P01)",
                        new java.sql.SQLException("terminating connection due to administrator command", "57P01"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> List.copyOf(lines.list).stream()
                        .anyMatch(e -> e.getFormattedMessage().contains("marked as broken")));
        // the probe it started has answered: give it the time two probes would take
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(outageLines()).as("no outage while PostgreSQL answers").isEmpty();
    }

    @Test
    void anOutageIsOneLineAtItsStartASummaryAMinuteAndOneAtItsEndWithoutAStackTracePerPoll() throws Exception {
        // outside an outage, a task that throws for its own reason logs its stack trace
        await().atMost(Duration.ofSeconds(20))
                .until(() -> List.copyOf(lines.list).stream()
                        .anyMatch(e -> e.getThrowableProxy() != null
                                && e.getThrowableProxy().getMessage().contains("a bug of the task's own")));

        int port = server.port();
        lines.list.clear();
        int before = failedPolls.get();
        server.stop().close();
        await().atMost(Duration.ofSeconds(30)).until(() -> failedPolls.get() >= before + 10);

        assertThat(stackTraces())
                .as("stack traces while PostgreSQL is down, over %d failed polls", failedPolls.get() - before)
                .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                .hasSizeLessThanOrEqualTo(1);
        assertThat(outageLines()).hasSize(1);
        assertThat(outageLines().get(0))
                .startsWith("PostgreSQL unreachable since ")
                .contains("First, from ");

        // a minute later: one summary with how many failures were not logged meanwhile
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        await().atMost(Duration.ofSeconds(10)).until(() -> outageLines().size() == 2);
        assertThat(outageLines().get(1))
                .startsWith("PostgreSQL still unreachable, since ")
                .containsPattern("\\(60 s\\): [1-9][0-9]* failures of background work and connections not logged");

        server = EmbeddedDatabase.start(tmp.resolve("postgres"), port, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(20)).until(() -> outageLines().size() == 3);
        assertThat(outageLines().get(2)).startsWith("PostgreSQL answers again, after 60 s unreachable (since ");
        assertThat(stackTraces())
                .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                .hasSizeLessThanOrEqualTo(1);
    }
}

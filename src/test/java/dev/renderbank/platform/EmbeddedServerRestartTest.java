package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The embedded PostgreSQL's postmaster killed alone ({@code kill -9}, as the kernel's out-of-memory
 * killer does) while the service runs: it is started again on the same port and data, and the data
 * source's connections work again without a restart of the service. Before, the service stayed up
 * answering 503 until someone restarted it.
 */
class EmbeddedServerRestartTest {

    private final List<Long> startedServers = new ArrayList<>();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @AfterEach
    void stopLeftovers() {
        // only servers this test started, by pid
        startedServers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    }

    @Configuration(proxyBeanMethods = false)
    @Import(DatabaseConfig.class)
    static class WithDatabaseConfig {}

    private ConfigurableApplicationContext run() {
        SpringApplication app = new SpringApplication(WithDatabaseConfig.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run("--renderbank.data-dir=" + tmp, "--spring.main.banner-mode=off");
    }

    private static void execute(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String note(DataSource db) throws Exception {
        try (Connection c = db.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select note from survivor")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Test
    void aPostmasterKilledAloneIsStartedAgainAndTheDataSourceWorksOnTheSameData() throws Exception {
        Path pgDir = tmp.resolve("postgres");
        long restarted;
        try (ConfigurableApplicationContext context = run()) {
            Postmaster first = Postmaster.read(pgDir).orElseThrow();
            startedServers.add(first.pid());
            DataSource db = context.getBean(DataSource.class);
            execute(db, "create table survivor (note text)");
            execute(db, "insert into survivor values ('committed before the kill')");
            Logger launcher = (Logger) LoggerFactory.getLogger(GoneServerRelease.LAUNCHER_LOGGERS);
            ListAppender<ILoggingEvent> launcherLog = new ListAppender<>();
            launcherLog.start();
            launcher.addAppender(launcherLog);

            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();

            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> "committed before the kill".equals(note(db)));
            Postmaster again = Postmaster.running(pgDir).orElseThrow();
            restarted = again.pid();
            startedServers.add(restarted);
            assertThat(restarted).isNotEqualTo(first.pid());
            assertThat(again.port())
                    .as("the same port: the data source's URL names it")
                    .isEqualTo(first.port());
            execute(db, "insert into survivor values ('written after the restart')");
            assertThat(launcherLog.list)
                    .as("the launcher's own errors about the server that is gone (it logged 'Could not stop"
                            + " postmaster' with a stack trace after the supervisor's line had said it all)")
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .isEmpty();
            LoggerFactory.getLogger(GoneServerRelease.LAUNCHER_LOGGERS + ".EmbeddedPostgres")
                    .error("an error of the launcher outside a release");
            launcher.detachAppender(launcherLog);
            assertThat(launcherLog.list)
                    .as("the launcher's errors outside a release are kept")
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .containsExactly("an error of the launcher outside a release");
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ProcessHandle.of(restarted).map(p -> !p.isAlive()).orElse(true));
        // stopped with the service, and not started again by anyone
        await().during(Duration.ofMillis(3_500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> Postmaster.running(pgDir).isEmpty());
    }

    /**
     * The service stopped while the supervisor is starting the server again (its crash recovery can
     * take minutes): the stop cuts the start short, and the server it launched is stopped with the
     * service, not left running without an owner.
     */
    @Test
    void aStopDuringARestartStopsTheServerTheRestartLaunched() throws Exception {
        Path pgDir = tmp.resolve("postgres");
        EmbeddedDatabase.Server first = EmbeddedDatabase.start(pgDir, 0, Duration.ofSeconds(60));
        java.util.concurrent.CountDownLatch launched = new java.util.concurrent.CountDownLatch(1);
        EmbeddedServerSupervisor supervisor = EmbeddedServerSupervisor.watch(pgDir, first, () -> {
            EmbeddedDatabase.Server again = EmbeddedDatabase.start(pgDir, first.port(), Duration.ofSeconds(60));
            launched.countDown();
            try {
                // stands for a start still waiting (crash recovery) when the stop comes: blocks until interrupted
                new java.util.concurrent.CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting", e);
            }
            return again;
        });
        long firstPid = supervisor.pid();
        startedServers.add(firstPid);
        ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
        assertThat(launched.await(90, java.util.concurrent.TimeUnit.SECONDS))
                .as("the restart launched a server")
                .isTrue();
        Postmaster relaunched = Postmaster.running(pgDir).orElseThrow();
        startedServers.add(relaunched.pid());

        supervisor.close();

        assertThat(ProcessHandle.of(relaunched.pid())
                        .map(ProcessHandle::isAlive)
                        .orElse(false))
                .as("the server the cut-short restart launched is stopped with the service")
                .isFalse();
        assertThat(Postmaster.running(pgDir)).isEmpty();
    }
}

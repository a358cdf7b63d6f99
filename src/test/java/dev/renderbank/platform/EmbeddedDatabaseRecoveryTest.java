package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A server that is still starting (crash recovery replaying a long write-ahead log after a
 * {@code kill -9} of everything) is never stopped or abandoned for being slow: otherwise every
 * restart interrupts the recovery again and the database never comes back. The long recovery is
 * stood for by an archive recovery whose {@code restore_command} waits until the test lets it go:
 * until then {@code postmaster.pid} says {@code starting} and connections are refused.
 */
class EmbeddedDatabaseRecoveryTest {

    private static final String WAITING = "is still starting up";

    private final List<Long> startedServers = new ArrayList<>();
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger postmasterLog = (Logger) LoggerFactory.getLogger(Postmaster.class);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @BeforeEach
    void capture() {
        lines.start();
        postmasterLog.addAppender(lines);
    }

    @AfterEach
    void release() {
        postmasterLog.detachAppender(lines);
        lines.stop();
        finishRecovery();
        // only servers this test started, by pid
        startedServers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    }

    private boolean saidItWaits() {
        synchronized (lines.list) {
            return lines.list.stream().anyMatch(e -> e.getFormattedMessage().contains(WAITING));
        }
    }

    /** The postgres binary of a server this test ran, to start one without an owner. */
    private Path postgresBinary;

    /** A cluster holding a row, whose next start recovers until {@link #finishRecovery}. */
    private Path recoveringCluster() throws Exception {
        try (DatabaseLocation location = EmbeddedDatabase.open(tmp, 0, false);
                Connection c = DriverManager.getConnection(location.url(), location.username(), location.password());
                Statement s = c.createStatement()) {
            s.execute("create table survivor (note text)");
            s.execute("insert into survivor values ('written before the crash')");
            long pid = Postmaster.read(tmp.resolve("postgres")).orElseThrow().pid();
            postgresBinary =
                    Path.of(ProcessHandle.of(pid).orElseThrow().info().command().orElseThrow());
        }
        Path pgDir = tmp.resolve("postgres");
        Files.writeString(
                pgDir.resolve("postgresql.auto.conf"),
                // hot_standby off: a crash recovery takes no connections until it is done, and postmaster.pid
                // says "starting", then "standby", then "ready". With hot standby on (the default), an archive
                // recovery writes "ready" as soon as it takes read-only connections, before it has ended,
                // and a leftover server would rightly be stopped there: not the case this test stands for.
                "\nhot_standby = off\nrestore_command = 'until [ -f " + tmp.resolve("recovered")
                        + " ]; do sleep 0.05; done; exit 1'\n",
                StandardOpenOption.APPEND);
        Files.createFile(pgDir.resolve("recovery.signal"));
        return pgDir;
    }

    private Postmaster awaitStarting(Path pgDir) {
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> Postmaster.read(pgDir)
                                .filter(p -> p.alive() && "starting".equals(p.status()))
                                .orElse(null),
                        p -> p != null);
    }

    /** The recovery finds no more archived WAL, replays what it has and ends: the server becomes ready. */
    private void finishRecovery() {
        try {
            Files.writeString(tmp.resolve("recovered"), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String survivor(DatabaseLocation location) throws Exception {
        try (Connection c = DriverManager.getConnection(location.url(), location.username(), location.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select note from survivor")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void aStartOutlastingItsWaitWhileTheServerRecoversWaitsForItAndComesUpOnTheSameData() throws Exception {
        Path pgDir = recoveringCluster();

        CompletableFuture<DatabaseLocation> opened =
                CompletableFuture.supplyAsync(() -> EmbeddedDatabase.open(tmp, 0, false, Duration.ofSeconds(1)));
        long pid = awaitStarting(pgDir).pid();
        startedServers.add(pid);
        await().atMost(Duration.ofSeconds(60)).until(() -> opened.isDone() || saidItWaits());
        assertThat(opened)
                .as("a start that gave up on its recovering server, which now runs without an owner")
                .isNotDone();

        finishRecovery();
        try (DatabaseLocation location = opened.get(60, TimeUnit.SECONDS)) {
            assertThat(survivor(location)).isEqualTo("written before the crash");
            assertThat(Postmaster.read(pgDir).orElseThrow().pid()).isEqualTo(pid);
        }
        // this process ran it, so closing stops it
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(pgDir.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void aLeftoverServerStillRecoveringIsStoppedOnlyOnceReadyAndTheNextStartComesUp() throws Exception {
        Path pgDir = recoveringCluster();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // its owner is gone: nobody holds postgres.owner. As root, in a user namespace as zonky runs it
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("unshare", "-U"));
        }
        // max_connections as the application's (recovery refuses fewer than the cluster had)
        command.addAll(List.of(
                postgresBinary.toString(),
                "-D",
                pgDir.toString(),
                "-p",
                Integer.toString(port),
                "-c",
                "max_connections=200"));
        Process orphan = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("orphan.log").toFile())
                .start();
        startedServers.add(orphan.pid());
        awaitStarting(pgDir);

        CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> Postmaster.stopLeftover(pgDir));
        await().atMost(Duration.ofSeconds(60)).until(() -> stopped.isDone() || saidItWaits());
        assertThat(stopped)
                .as("the leftover server was stopped in the middle of its recovery")
                .isNotDone();
        assertThat(orphan.isAlive()).isTrue();

        finishRecovery();
        stopped.get(60, TimeUnit.SECONDS);
        assertThat(orphan.isAlive()).isFalse();
        assertThat(Files.readString(tmp.resolve("orphan.log"))).contains("ready to accept connections");
        try (DatabaseLocation location = EmbeddedDatabase.open(tmp, 0, false, Duration.ofSeconds(30))) {
            assertThat(survivor(location)).isEqualTo("written before the crash");
        }
    }
}

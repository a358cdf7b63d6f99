package dev.renderbank.platform;

import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default system of record: PostgreSQL in {@code <data-dir>/postgres}, run by whichever
 * process holds {@code <data-dir>/postgres.owner} ({@link DataDirectoryOwner}).
 *
 * <ul>
 *   <li>Owner gone (crash, {@code kill -9}): its server is stale; stop it cleanly and start ours.
 *   <li>Owner alive: never stop its server. The operator command line connects to it; a second
 *       service refuses with {@link DataDirectoryInUse}.
 *   <li>Our server gets a {@link PostgresWatchdog}, so it does not outlive this JVM, and an {@link
 *       EmbeddedServerSupervisor}, so this JVM does not outlive it: it is started again if it exits.
 *   <li>Durable: fsync, synchronous commit and full-page writes on (zonky's defaults are for
 *       throwaway test databases), so a webhook answered 200 survives a machine crash; data
 *       checksums on (initdb's default since PostgreSQL 18).
 * </ul>
 */
final class EmbeddedDatabase {

    static final String OWNER_FILE = "postgres.owner";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    /** Crash recovery with fsync on can take a while on a big WAL; zonky's default is 10 s. */
    private static final Duration STARTUP_WAIT = Duration.ofMinutes(2);

    private EmbeddedDatabase() {}

    /**
     * @param port 0 for any free port
     * @param attachToRunning true for the operator command line: use the server of a live owner
     */
    static DatabaseLocation open(Path dataDir, int port, boolean attachToRunning) {
        return open(dataDir, port, attachToRunning, STARTUP_WAIT);
    }

    /** @param startupWait how long to wait for a server that is not recovering (tests shorten it) */
    static DatabaseLocation open(Path dataDir, int port, boolean attachToRunning, Duration startupWait) {
        Path pgDir = dataDir.resolve("postgres");
        Path ownerFile = dataDir.resolve(OWNER_FILE);
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create " + dataDir, e);
        }
        Optional<DataDirectoryOwner> claimed = DataDirectoryOwner.claim(ownerFile);
        if (claimed.isEmpty()) {
            long owner = DataDirectoryOwner.owner(ownerFile).orElse(-1);
            if (!attachToRunning) {
                throw new DataDirectoryInUse(dataDir, owner);
            }
            return attach(pgDir, owner);
        }
        DataDirectoryOwner owner = claimed.get();
        try {
            Postmaster.stopLeftover(pgDir);
            setAsideUnfinished(pgDir);
            Server server = start(pgDir, port, startupWait);
            // started again on the same port if its postmaster exits while this process runs
            EmbeddedServerSupervisor supervisor =
                    EmbeddedServerSupervisor.watch(pgDir, server, () -> start(pgDir, server.port(), startupWait));
            log.info("Embedded PostgreSQL on port {} (data in {})", server.port(), pgDir);
            return new DatabaseLocation(server.jdbcUrl(), "postgres", "postgres", new Running(supervisor, owner));
        } catch (IOException e) {
            owner.close();
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + pgDir, e);
        } catch (RuntimeException e) {
            owner.close();
            throw e;
        }
    }

    private static DatabaseLocation attach(Path pgDir, long owner) {
        Postmaster server = Postmaster.read(pgDir)
                .filter(Postmaster::ready)
                .orElseThrow(() -> new IllegalStateException("renderbank (pid " + owner + ") owns " + pgDir
                        + " but its database is not accepting connections yet; try again in a moment"));
        log.info("Using the embedded PostgreSQL of the running renderbank (pid {}) on port {}", owner, server.port());
        return new DatabaseLocation(
                "jdbc:postgresql://localhost:" + server.port() + "/postgres", "postgres", "postgres", null);
    }

    /**
     * A cluster directory initdb never finished (the very first start killed while it ran: it writes
     * an empty {@code postgresql.conf} before the bootstrap, and zonky then skips initdb on every
     * later start and launches a server that cannot start) is moved aside, so initdb runs again. A
     * finished cluster has its control file ({@code global/pg_control}, written by the bootstrap) and
     * its three databases in {@code base/} (template1 from the bootstrap, then template0 and postgres,
     * which initdb creates last, before any server ever ran on it): one without them never held data.
     * It is kept beside, not deleted.
     */
    private static void setAsideUnfinished(Path pgDir) throws IOException {
        if (!Files.isDirectory(pgDir) || finished(pgDir)) {
            return;
        }
        try (var entries = Files.list(pgDir)) {
            if (entries.findAny().isEmpty()) {
                return; // empty: initdb runs on it
            }
        }
        Path aside = pgDir.resolveSibling(pgDir.getFileName() + ".incomplete-" + System.currentTimeMillis());
        Files.move(pgDir, aside);
        log.warn(
                "{} is a database cluster that was never finished (a first start was stopped while it was"
                        + " being created; it holds no data): moved to {}, creating it again",
                pgDir,
                aside);
    }

    private static boolean finished(Path pgDir) throws IOException {
        if (!Files.exists(pgDir.resolve("global").resolve("pg_control"))) {
            return false;
        }
        Path base = pgDir.resolve("base");
        if (!Files.isDirectory(base)) {
            return false;
        }
        try (var databases = Files.list(base)) {
            return databases.filter(Files::isDirectory).count() >= 3;
        }
    }

    /** A server this process launched: where to connect, and how to stop it. */
    record Server(String jdbcUrl, int port, Closeable stop) {}

    static Server start(Path pgDir, int port, Duration startupWait) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(pgDir)
                .setCleanDataDirectory(false)
                // the Spring context (or the watchdog) stops it, after the pool and workers let go
                .setRegisterShutdownHook(false)
                .setPGStartupWait(startupWait)
                .setServerConfig("max_connections", "200")
                // zonky passes -F (fsync off) and synchronous_commit=off; these come later and win
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on");
        // initdb keeps its default sync (an fsync() per file, ~2.5 s of a first start here): its
        // --sync-method=syncfs was tried and waits for every dirty page of the whole file system, which
        // on a busy machine took longer (docs/BENCHMARKS.md, "First start of the default run")
        if (port > 0) {
            builder.setPort(port);
        }
        try {
            EmbeddedPostgres server = builder.start();
            return new Server(server.getJdbcUrl("postgres", "postgres"), server.getPort(), server);
        } catch (IOException e) {
            return outlasted(pgDir, startupWait, e).orElseThrow(() -> e);
        } catch (RuntimeException e) {
            return outlasted(pgDir, startupWait, e).orElseThrow(() -> e);
        }
    }

    /**
     * zonky gave up (its wait ran out, or another step failed) and leaves the postmaster it launched
     * running with nothing to stop it. One still starting up - crash recovery replaying the
     * write-ahead log, which can outlast any wait on a slow disk - is waited for as long as it is at
     * it: stopping it would throw the replay away and the next start would begin again from the same
     * checkpoint, for ever. Once it is ready it is ours, as if zonky had started it. Anything else
     * launched is stopped, so that no server is left running without its owner.
     *
     * @return the server, when it came up after all
     */
    private static Optional<Server> outlasted(Path pgDir, Duration startupWait, Exception failure) {
        Optional<Postmaster> launched = Postmaster.running(pgDir);
        if (launched.isEmpty()) {
            return Optional.empty();
        }
        long pid = launched.get().pid();
        Optional<Postmaster> now = launched.get().starting()
                ? Postmaster.awaitStartup(
                        pgDir,
                        pid,
                        ChronoUnit.FOREVER.getDuration(),
                        "it did not take connections within " + startupWait.toSeconds() + " s; " + failure)
                : launched;
        if (now.filter(Postmaster::ready).isPresent()) {
            int port = now.get().port();
            log.info("The embedded PostgreSQL (pid {}) of {} finished starting up", pid, pgDir);
            // zonky's instance is lost with its exception; its lock file lock goes with it (on GC)
            return Optional.of(new Server(
                    "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres",
                    port,
                    () -> Postmaster.stopLaunched(pgDir, pid)));
        }
        if (now.isEmpty()) {
            failure.addSuppressed(new IllegalStateException(
                    "the embedded PostgreSQL (pid " + pid + ") exited while starting up; see its log above"));
        }
        try {
            Postmaster.stopLaunched(pgDir, pid);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return Optional.empty();
    }

    /** What this process runs, released in order: the server (and its watchdog), the ownership. */
    private record Running(EmbeddedServerSupervisor server, DataDirectoryOwner owner) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            try {
                server.close();
            } finally {
                owner.close();
            }
        }
    }
}

package dev.renderbank.support;

import dev.renderbank.platform.ServerWatchdogs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.boot.SpringApplication;

/**
 * One real PostgreSQL per test JVM; each Spring context gets a database of its own, so background
 * workers of one cached context never pick up another context's tasks. The server dies with the test
 * JVM, also when that is killed with SIGKILL (the application's own watchdog: {@link ServerWatchdogs}).
 */
public final class SharedPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static Optional<AutoCloseable> watchdog = Optional.empty();

    private SharedPostgres() {}

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        // zonky's default 10 s is not enough on a loaded machine (2 cores, load 40)
                        .setPGStartupWait(java.time.Duration.ofMinutes(2))
                        // zonky registers its own JVM shutdown hook by default, which runs beside
                        // Spring's and stops the server under the cached contexts' open pools
                        .setRegisterShutdownHook(false)
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            watchdog = ServerWatchdogs.watch(dataDirectory(server));
            // After the cached Spring contexts are closed, not beside them: JVM shutdown hooks run
            // concurrently, zonky's own hook stopped the server under open pools, and each pool's
            // close then waited out its connection adder's retries (up to the 5 s connection timeout
            // per pool, seven pools: Surefire killed the fork 30 s after System.exit).
            SpringApplication.getShutdownHandlers().add(() -> {
                try {
                    server.close();
                    watchdog.ifPresent(SharedPostgres::closeQuietly); // nothing left to stop: it exits
                } catch (IOException ignored) {
                    // the JVM is going away
                }
            });
        }
        return server;
    }

    /** The server's data directory (zonky does not tell: a temporary directory of its own). */
    private static Path dataDirectory(EmbeddedPostgres pg) {
        try (Connection c = pg.getPostgresDatabase().getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("show data_directory")) {
            rs.next();
            return Path.of(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // the JVM is going away; the watchdog exits with it
        }
    }

    /** Creates a fresh, empty database and returns its JDBC URL. */
    public static String newDatabase() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return server().getJdbcUrl("postgres", name);
    }

    /**
     * Applies the application's migrations to the database at {@code url}, up to and including version
     * {@code target} (null: all of them), e.g. to write data as an older release left it.
     */
    public static void migrate(String url, String target) {
        FluentConfiguration flyway =
                Flyway.configure().dataSource(url, "postgres", "postgres").locations("classpath:db/migration");
        if (target != null) {
            flyway.target(target);
        }
        flyway.load().migrate();
    }
}

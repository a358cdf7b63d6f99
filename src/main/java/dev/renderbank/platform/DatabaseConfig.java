package dev.renderbank.platform;

import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Where the system of record lives: {@code spring.datasource.url}, else {@code DATABASE_URL}
 * (JDBC or {@code postgres://user:pass@host:port/db}), else an embedded PostgreSQL whose data
 * directory persists under {@code renderbank.data-dir}/postgres so credits survive a restart
 * ({@link EmbeddedDatabase}: one owner, durable settings, stale servers stopped, a watchdog).
 *
 * <p>Kept apart from anything that needs a JdbcClient: Flyway sits between the two and a shared
 * class makes a dependency cycle.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfig {

    /**
     * The embedded server is usually already starting ({@link EmbeddedDatabaseEarlyStart}): take it
     * rather than start a second.
     */
    @Bean
    DatabaseLocation databaseLocation(Environment env, ObjectProvider<EmbeddedDatabaseEarlyStart.Starting> early) {
        EmbeddedDatabaseEarlyStart.Starting starting = early.getIfAvailable();
        return starting != null ? starting.take() : locate(env);
    }

    static DatabaseLocation locate(Environment env) {
        String url = env.getProperty("spring.datasource.url");
        if (StringUtils.hasText(url)) {
            return new DatabaseLocation(
                    url,
                    env.getProperty("spring.datasource.username"),
                    env.getProperty("spring.datasource.password"),
                    null);
        }
        String databaseUrl = env.getProperty("DATABASE_URL");
        if (StringUtils.hasText(databaseUrl)) {
            // spring.datasource.username and .password win over the URL's (a jdbc: URL carries none)
            DatabaseLocation parsed = DatabaseLocation.parse(databaseUrl);
            String username = env.getProperty("spring.datasource.username");
            String password = env.getProperty("spring.datasource.password");
            return new DatabaseLocation(
                    parsed.url(),
                    StringUtils.hasText(username) ? username : parsed.username(),
                    password != null && !password.isEmpty() ? password : parsed.password(),
                    null);
        }
        return EmbeddedDatabase.open(
                dataDir(env), env.getProperty("renderbank.embedded-db.port", Integer.class, 0), attachToRunning(env));
    }

    /** No {@code spring.datasource.url} and no {@code DATABASE_URL}: the embedded server is used. */
    static boolean embedded(Environment env) {
        return !StringUtils.hasText(env.getProperty("spring.datasource.url"))
                && !StringUtils.hasText(env.getProperty("DATABASE_URL"));
    }

    static Path dataDir(Environment env) {
        return Path.of(env.getProperty("renderbank.data-dir", "./data"))
                .toAbsolutePath()
                .normalize();
    }

    /** Set by the operator command line: use the running service's embedded server, never start a second. */
    static boolean attachToRunning(Environment env) {
        return env.getProperty("renderbank.embedded-db.attach-to-running", Boolean.class, false);
    }

    /**
     * With the migrations running beside the context ({@link EarlyMigrations}), the pool's first
     * connection waits for them ({@link MigratedDataSource}).
     */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DatabaseLocation location, ObjectProvider<EmbeddedDatabaseEarlyStart.Starting> early) {
        EmbeddedDatabaseEarlyStart.Starting starting = early.getIfAvailable();
        HikariDataSource ds = starting != null && starting.migrates()
                ? new MigratedDataSource(starting::awaitMigrations)
                : new HikariDataSource();
        ds.setJdbcUrl(location.url());
        if (location.username() != null) {
            ds.setUsername(location.username());
        }
        if (location.password() != null) {
            ds.setPassword(location.password());
        }
        ds.setPoolName("renderbank");
        return ds;
    }

    /**
     * Spring Boot's Flyway initializer migrates only when the migrations do not already run beside
     * the context ({@link EarlyMigrations}: an external database, or settings of its own), and
     * never for the operator command line ({@link #checkSchemaOfCommandLine}).
     */
    @Bean
    FlywayMigrationStrategy flywayMigrationStrategy(
            ObjectProvider<EmbeddedDatabaseEarlyStart.Starting> early, Environment env) {
        boolean commandLine = ProcessRole.of(env) == ProcessRole.COMMAND_LINE;
        return flyway -> {
            EmbeddedDatabaseEarlyStart.Starting starting = early.getIfAvailable();
            if (commandLine) {
                checkSchemaOfCommandLine(flyway);
            } else if (starting == null || !starting.migrates()) {
                flyway.migrate();
            }
        };
    }

    /**
     * The operator command line ({@code renderbank.command-line}, set by it) never upgrades a
     * database: it runs beside the service's nodes, and a new release's jar run as a command would
     * have migrated the live database under the old nodes. A database of this jar's version is used;
     * one with migrations pending, or with migrations this jar does not know (a newer release's: its
     * writes would lack their bookkeeping), is refused with {@link SchemaMismatch}. Only an empty
     * database (no migration applied: a first use, as {@code users create-admin} before the
     * service's first start) gets its schema created, which nothing can be serving yet.
     */
    static void checkSchemaOfCommandLine(Flyway flyway) {
        MigrationInfoService info = flyway.info();
        MigrationInfo current = info.current();
        if (current == null) {
            flyway.migrate();
            return;
        }
        MigrationVersion known = java.util.Arrays.stream(info.all())
                .filter(m -> m.getState().isResolved() && m.getVersion() != null)
                .map(MigrationInfo::getVersion)
                .max(MigrationVersion::compareTo)
                .orElse(MigrationVersion.EMPTY);
        if (current.getVersion().compareTo(known) > 0) {
            throw new SchemaMismatch("the database is at version " + current.getVersion()
                    + ", newer than this jar knows (" + known + "): run the command with the jar of the"
                    + " release the service runs (an older jar's writes lack the newer release's bookkeeping)");
        }
        MigrationInfo[] pending = info.pending();
        if (pending.length > 0) {
            throw new SchemaMismatch("the database is at version " + current.getVersion() + ", this jar needs "
                    + pending[pending.length - 1].getVersion() + " (" + pending.length
                    + " migration(s) not applied): upgrade the service first (start a node of this release);"
                    + " the command line never migrates a database");
        }
        flyway.validate();
    }

    /** The database's schema is not the one this jar's command line may use; nothing was done. */
    public static final class SchemaMismatch extends IllegalStateException {
        SchemaMismatch(String message) {
            super(message);
        }
    }

    /**
     * Before the first lifecycle starts (the scheduler's, the job listener's own connection,
     * Tomcat's), the migrations running beside the context are done: nothing serves or works on a
     * half-migrated schema, and a failed migration fails the start with Flyway's exception.
     */
    @Bean
    SmartLifecycle migrationsBeforeLifecycles(ObjectProvider<EmbeddedDatabaseEarlyStart.Starting> early) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                EmbeddedDatabaseEarlyStart.Starting starting = early.getIfAvailable();
                if (starting != null) {
                    starting.awaitMigrations();
                }
                running = true;
            }

            @Override
            public void stop() {
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MIN_VALUE;
            }
        };
    }

    /** Resolved connection settings; {@code server} is non-null when this process runs the server. */
    public record DatabaseLocation(String url, String username, String password, AutoCloseable server)
            implements AutoCloseable {

        static DatabaseLocation parse(String databaseUrl) {
            if (databaseUrl.startsWith("jdbc:")) {
                return new DatabaseLocation(databaseUrl, null, null, null);
            }
            URI uri;
            try {
                uri = new URI(databaseUrl);
            } catch (URISyntaxException e) {
                // the parser's own message repeats the whole URL, password and all: never in a log
                throw new IllegalArgumentException(malformed(e.getReason() + " at character " + (e.getIndex() + 1)));
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException(malformed("no host could be read from it"));
            }
            String user = null;
            String password = null;
            if (uri.getUserInfo() != null) {
                String[] parts = uri.getUserInfo().split(":", 2);
                user = parts[0];
                password = parts.length > 1 ? parts[1] : null;
            }
            int port = uri.getPort() > 0 ? uri.getPort() : 5432;
            String query = uri.getQuery() == null ? "" : "?" + uri.getQuery();
            return new DatabaseLocation(
                    "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath() + query, user, password, null);
        }

        private static String malformed(String why) {
            return "DATABASE_URL is not a valid postgres://user:password@host:port/database URL (" + why
                    + "); percent-encode the characters of the user name and password that a URL may not carry"
                    + " raw (@ as %40, : as %3A, / as %2F, % as %25, ^ as %5E, a space as %20), or give them as"
                    + " spring.datasource.username and .password";
        }

        public boolean isEmbedded() {
            return server != null;
        }

        @Override
        public void close() throws Exception {
            if (server != null) {
                server.close();
            }
        }
    }
}

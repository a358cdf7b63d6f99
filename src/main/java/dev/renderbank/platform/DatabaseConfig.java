package dev.renderbank.platform;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Where the system of record lives: {@code spring.datasource.url}, else {@code DATABASE_URL}
 * (JDBC or {@code postgres://user:pass@host:port/db}), else an embedded PostgreSQL whose data
 * directory persists under {@code renderbank.data-dir}/postgres so credits survive a restart.
 *
 * <p>Kept apart from anything that needs a JdbcClient: Flyway sits between the two and a shared
 * class makes a dependency cycle.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfig {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfig.class);

    @Bean
    DatabaseLocation databaseLocation(Environment env) {
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
            return DatabaseLocation.parse(databaseUrl);
        }
        Path dir = Path.of(env.getProperty("renderbank.data-dir", "./data"), "postgres")
                .toAbsolutePath()
                .normalize();
        EmbeddedPostgres pg = startEmbedded(dir, env.getProperty("renderbank.embedded-db.port", Integer.class, 0));
        log.info("Embedded PostgreSQL {} on port {} (data in {})", "18", pg.getPort(), dir);
        return new DatabaseLocation(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", pg);
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(DatabaseLocation location) {
        HikariDataSource ds = new HikariDataSource();
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

    private static EmbeddedPostgres startEmbedded(Path dir, int port) {
        try {
            Files.createDirectories(dir.getParent());
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200");
            if (port > 0) {
                builder.setPort(port);
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dir, e);
        }
    }

    /** Resolved connection settings; {@code embedded} is non-null when this process owns the server. */
    public record DatabaseLocation(String url, String username, String password, EmbeddedPostgres embedded)
            implements AutoCloseable {

        static DatabaseLocation parse(String databaseUrl) {
            if (databaseUrl.startsWith("jdbc:")) {
                return new DatabaseLocation(databaseUrl, null, null, null);
            }
            URI uri = URI.create(databaseUrl);
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

        public boolean isEmbedded() {
            return embedded != null;
        }

        @Override
        public void close() throws IOException {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}

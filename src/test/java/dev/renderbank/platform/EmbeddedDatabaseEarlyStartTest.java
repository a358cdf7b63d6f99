package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The embedded PostgreSQL starts while the context is still being built (start time, issue 15;
 * first start, issue 14): before any bean asks for it, and the data source then uses that server.
 */
class EmbeddedDatabaseEarlyStartTest {

    private final List<Long> startedServers = new ArrayList<>();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @AfterEach
    void stopLeftovers() {
        startedServers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    }

    private ConfigurableApplicationContext run(Class<?> config) {
        SpringApplication app = new SpringApplication(config);
        app.setWebApplicationType(WebApplicationType.NONE);
        return app.run("--renderbank.data-dir=" + tmp, "--spring.main.banner-mode=off");
    }

    /** Stands for the beans Spring creates before the data source: it waits for a ready server. */
    @Configuration(proxyBeanMethods = false)
    static class NoDatabaseBean {
        static Path pgDir;

        @Bean
        String waitsForTheServer() {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() ->
                            Postmaster.read(pgDir).filter(Postmaster::ready).isPresent());
            return "ready";
        }
    }

    @Test
    void theServerIsStartingBeforeAnyBeanAsksForItAndStopsWithAContextThatNeverTookIt() {
        Path pgDir = tmp.resolve("postgres");
        NoDatabaseBean.pgDir = pgDir;
        long pid;
        try (ConfigurableApplicationContext context = run(NoDatabaseBean.class)) {
            Postmaster server = Postmaster.read(pgDir).orElseThrow();
            pid = server.pid();
            startedServers.add(pid);
            assertThat(context.getBean("waitsForTheServer")).isEqualTo("ready");
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(pgDir.resolve("postmaster.pid")).doesNotExist();
    }

    @Configuration(proxyBeanMethods = false)
    @Import(DatabaseConfig.class)
    static class WithDatabaseConfig {}

    @Test
    void theDataSourceUsesTheServerStartedEarlyAndTheContextStopsIt() throws Exception {
        Path pgDir = tmp.resolve("postgres");
        long pid;
        try (ConfigurableApplicationContext context = run(WithDatabaseConfig.class)) {
            Postmaster server = Postmaster.read(pgDir).orElseThrow();
            pid = server.pid();
            startedServers.add(pid);
            DatabaseLocation location = context.getBean(DatabaseLocation.class);
            assertThat(location.isEmbedded()).isTrue();
            assertThat(location.url()).contains("localhost:" + server.port() + "/");
            assertThat(context.getBean(EmbeddedDatabaseEarlyStart.BEAN)).isNotNull();
            try (var c = context.getBean(javax.sql.DataSource.class).getConnection();
                    var rs = c.createStatement().executeQuery("show fsync")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("on");
            }
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    }
}

package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.platform.earlymigration.V2026_11_30_9960__Held;
import dev.renderbank.support.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

/**
 * The first start's migrations run beside the context (issue 14): on the embedded database's own
 * thread, while the main thread goes on creating beans; yet nothing touches the database before
 * they are done, a failed migration fails the start with Flyway's error, and an external database
 * ({@code DATABASE_URL}) starts no embedded server and migrates as before.
 */
class EarlyMigrationsTest {

    private static final String HELD = "classpath:db/migration,classpath:dev/renderbank/platform/earlymigration";
    private static final String BROKEN = "classpath:db/migration,classpath:dev/renderbank/platform/brokenmigration";

    private final List<Long> startedServers = new ArrayList<>();

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @AfterEach
    void stopLeftovers() {
        V2026_11_30_9960__Held.release();
        startedServers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    }

    /**
     * The whole application on an empty data directory, its migrations held at a test migration
     * after the real ones: the main thread creates the beans that need a JdbcClient meanwhile, then
     * waits; no connection but Flyway's exists until the migrations are done; then the start
     * completes and Spring Boot's own Flyway finds the schema migrated and valid.
     */
    @Test
    void theContextGoesOnWhileMigrationsRunAndNothingElseConnectsUntilTheyAreDone() throws Exception {
        V2026_11_30_9960__Held.reset();
        AtomicReference<ConfigurableApplicationContext> building = new AtomicReference<>();
        AtomicReference<Thread> main = new AtomicReference<>();
        SpringApplication app = new SpringApplication(RenderbankApplication.class);
        app.addInitializers(context -> {
            building.set(context);
            main.set(Thread.currentThread());
        });
        CompletableFuture<ConfigurableApplicationContext> started = CompletableFuture.supplyAsync(() -> app.run(
                "--renderbank.data-dir=" + tmp,
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--spring.flyway.locations=" + HELD));
        try {
            assertThat(V2026_11_30_9960__Held.awaitEntered(120)).isTrue();
            Postmaster server = Postmaster.read(tmp.resolve("postgres")).orElseThrow();
            startedServers.add(server.pid());
            assertThat(V2026_11_30_9960__Held.thread()).isNotSameAs(main.get());

            await().atMost(Duration.ofSeconds(90))
                    .until(() -> building.get().getBeanFactory().containsSingleton("jdbcClient")
                            && waitsOutsideFlyway(main.get()));
            assertThat(otherConnections(server.port())).isEmpty();
            assertThat(started).isNotDone();
        } finally {
            V2026_11_30_9960__Held.release();
        }
        try (ConfigurableApplicationContext context = started.get(120, TimeUnit.SECONDS)) {
            Flyway flyway = context.getBean(Flyway.class);
            assertThat(flyway.info().pending()).isEmpty();
            assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
            // the held migration ran (not necessarily the last one: later migrations sort above it)
            assertThat(Arrays.stream(flyway.info().applied())
                            .map(m -> m.getVersion().getVersion()))
                    .contains("2026.11.30.9960");
        }
    }

    private static boolean waitsOutsideFlyway(Thread thread) {
        return thread.getState() == Thread.State.WAITING
                && Arrays.stream(thread.getStackTrace())
                        .noneMatch(f -> f.getClassName().startsWith("org.flywaydb"));
    }

    /** Client connections other than this one and the migrations' own. */
    private static List<String> otherConnections(int port) throws Exception {
        List<String> others = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select application_name from pg_stat_activity"
                        + " where backend_type = 'client backend' and pid <> pg_backend_pid()"
                        + " and application_name <> '" + EarlyMigrations.APPLICATION_NAME + "'")) {
            while (rs.next()) {
                others.add(rs.getString(1));
            }
        }
        return others;
    }

    /** The data source and Spring Boot's Flyway wiring, and a lifecycle that must never start. */
    @Configuration(proxyBeanMethods = false)
    @Import(DatabaseConfig.class)
    @ImportAutoConfiguration(FlywayAutoConfiguration.class)
    static class DatabaseAndFlyway {
        static final AtomicBoolean lifecycleStarted = new AtomicBoolean();

        @Bean
        SmartLifecycle work() {
            return new SmartLifecycle() {
                @Override
                public void start() {
                    lifecycleStarted.set(true);
                }

                @Override
                public void stop() {}

                @Override
                public boolean isRunning() {
                    return lifecycleStarted.get();
                }
            };
        }
    }

    private ConfigurableApplicationContext run(String... args) {
        SpringApplication app = new SpringApplication(DatabaseAndFlyway.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        List<String> all = new ArrayList<>(List.of("--renderbank.data-dir=" + tmp, "--spring.main.banner-mode=off"));
        all.addAll(List.of(args));
        return app.run(all.toArray(String[]::new));
    }

    @Test
    void aFailingMigrationFailsTheStartWithFlywaysErrorBeforeAnyLifecycleStartsAndStopsTheServer() {
        DatabaseAndFlyway.lifecycleStarted.set(false);
        assertThatThrownBy(() -> run("--spring.flyway.locations=" + BROKEN))
                .hasStackTraceContaining("Failed to execute script V2026_11_30_9961__broken.sql");
        assertThat(DatabaseAndFlyway.lifecycleStarted).isFalse();
        Postmaster.read(tmp.resolve("postgres")).ifPresent(pm -> startedServers.add(pm.pid()));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> !tmp.resolve("postgres")
                        .resolve("postmaster.pid")
                        .toFile()
                        .exists());
    }

    @Test
    void withDatabaseUrlNoEmbeddedServerStartsAndTheMigrationsRunAsBefore() throws Exception {
        String url = SharedPostgres.newDatabase();
        try (ConfigurableApplicationContext context = run("--DATABASE_URL=" + url)) {
            assertThat(context.containsBean(EmbeddedDatabaseEarlyStart.BEAN)).isFalse();
            assertThat(tmp.resolve("postgres")).doesNotExist();
            assertThat(context.getBean(Flyway.class).info().pending()).isEmpty();
            assertThat(context.getBean(javax.sql.DataSource.class)).isNotInstanceOf(MigratedDataSource.class);
        }
    }

    /**
     * Only the settings this project ships are copied to the early Flyway; anything else is left to
     * Spring Boot's, on the main thread (as are {@code enabled=false} and a {@code {vendor}} location).
     */
    @Test
    void onlyTheShippedFlywaySettingsMigrateEarly() {
        assertThat(EarlyMigrations.plan(new MockEnvironment())).isPresent();
        assertThat(EarlyMigrations.plan(new MockEnvironment().withProperty("spring.flyway.locations", HELD)))
                .isPresent();
        assertThat(EarlyMigrations.plan(new MockEnvironment().withProperty("spring.flyway.enabled", "false")))
                .isEmpty();
        assertThat(EarlyMigrations.plan(
                        new MockEnvironment().withProperty("spring.flyway.baseline-on-migrate", "true")))
                .isEmpty();
        MockEnvironment fromTheShell = new MockEnvironment();
        fromTheShell
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("SPRING_FLYWAY_TABLE", "history")));
        assertThat(EarlyMigrations.plan(fromTheShell)).isEmpty();
        assertThat(EarlyMigrations.plan(
                        new MockEnvironment().withProperty("spring.flyway.locations", "classpath:db/{vendor}")))
                .isEmpty();
    }
}

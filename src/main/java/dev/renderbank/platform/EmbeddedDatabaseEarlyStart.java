package dev.renderbank.platform;

import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Starts the embedded PostgreSQL on a thread of its own as soon as the application context is
 * prepared, so that it starts (on a first start: initdb too) while Spring reads the configuration
 * classes and creates the beans before the data source, which on two cores takes longer than the
 * database; the {@link DatabaseConfig#databaseLocation data source's location} then waits for this
 * start instead of making its own (docs/BENCHMARKS.md, "Start"). Nothing changes but when: the same
 * {@link EmbeddedDatabase#open} with the same durable settings, and its failures (a data directory
 * in use) still fail the start where the location is needed. A context that closes before taking
 * the server stops it. Runs after every initializer (so a test's {@code spring.datasource.url} is
 * seen) and only for the embedded database of a node of the service: the operator command line
 * ({@link ProcessRole#COMMAND_LINE}, whatever {@code renderbank.embedded-db.attach-to-running} says)
 * is left to {@link DatabaseConfig}, which checks its schema and never migrates one (this start's
 * migrations ran before that check for a command given {@code attach-to-running=false}). Registered
 * in META-INF/spring.factories.
 *
 * <p>Then, on the same thread, Flyway's migrations ({@link EarlyMigrations}, issue 14): the main
 * thread waits for them only where a connection is first needed ({@link MigratedDataSource}) or,
 * at the latest, before any lifecycle starts ({@link DatabaseConfig#migrationsBeforeLifecycles}).
 */
public class EmbeddedDatabaseEarlyStart implements ApplicationListener<ApplicationPreparedEvent> {

    static final String BEAN = "renderbank.embeddedDatabaseStart";

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        if (!DatabaseConfig.embedded(env)
                || DatabaseConfig.attachToRunning(env)
                || ProcessRole.of(env) == ProcessRole.COMMAND_LINE) {
            return;
        }
        Starting starting = Starting.begin(() -> DatabaseConfig.locate(env), EarlyMigrations.plan(env));
        ConfigurableListableBeanFactory beans = event.getApplicationContext().getBeanFactory();
        beans.registerSingleton(BEAN, starting);
        if (beans instanceof DefaultSingletonBeanRegistry registry) {
            registry.registerDisposableBean(BEAN, starting);
        }
    }

    /**
     * A start under way; its server belongs to whoever {@link #take takes} it, else to this. With
     * migrations, the server's close waits for them (a context that fails meanwhile does not stop
     * the server under Flyway).
     */
    static final class Starting implements DisposableBean {

        private static final long CLOSE_WAIT_SECONDS = 60;
        private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseEarlyStart.class);

        private final CompletableFuture<DatabaseLocation> location;
        private final CompletableFuture<Void> migrated;
        private final boolean migrates;
        private final AtomicBoolean taken = new AtomicBoolean();

        private Starting(
                CompletableFuture<DatabaseLocation> location, CompletableFuture<Void> migrated, boolean migrates) {
            this.location = location;
            this.migrated = migrated;
            this.migrates = migrates;
        }

        static Starting begin(Supplier<DatabaseLocation> open, Optional<EarlyMigrations> migrations) {
            CompletableFuture<DatabaseLocation> location = new CompletableFuture<>();
            CompletableFuture<Void> migrated = new CompletableFuture<>();
            Thread thread = new Thread(
                    () -> {
                        DatabaseLocation opened;
                        try {
                            opened = open.get();
                        } catch (Throwable e) {
                            location.completeExceptionally(e);
                            migrated.completeExceptionally(e);
                            return;
                        }
                        if (migrations.isEmpty()) {
                            location.complete(opened);
                            migrated.complete(null);
                            return;
                        }
                        location.complete(
                                new DatabaseLocation(opened.url(), opened.username(), opened.password(), () -> {
                                    awaitQuietly(migrated);
                                    opened.close();
                                }));
                        try {
                            migrations.get().migrate(opened);
                            migrated.complete(null);
                        } catch (Throwable e) {
                            migrated.completeExceptionally(e);
                        }
                    },
                    "embedded-postgres-start");
            thread.setDaemon(true);
            thread.start();
            return new Starting(location, migrated, migrations.isPresent());
        }

        /** True when Flyway's migrations run here, not in Spring Boot's Flyway initializer. */
        boolean migrates() {
            return migrates;
        }

        /** Waits for the migrations (if any run here); Flyway's exception when one failed. */
        void awaitMigrations() {
            join(migrated, "migrations");
        }

        private static void awaitQuietly(CompletableFuture<Void> migrated) {
            try {
                migrated.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // failed or still running: the server stops anyway
            }
        }

        /** Waits; how long (and where: the thread and the caller) at debug level, for start profiles. */
        private static <T> T join(CompletableFuture<T> future, String what) {
            if (!future.isDone() && log.isDebugEnabled()) {
                long begin = System.nanoTime();
                future.handle((v, e) -> null).join();
                log.debug(
                        "Waited {} ms for the embedded database's {} ({})",
                        (System.nanoTime() - begin) / 1_000_000,
                        what,
                        StackWalker.getInstance()
                                .walk(frames -> frames.skip(2)
                                        .filter(f -> !f.getClassName().startsWith("dev.renderbank.platform")
                                                && !f.getClassName().startsWith("java.")
                                                && !f.getClassName().startsWith("jdk."))
                                        .findFirst()
                                        .map(f -> f.getClassName() + "." + f.getMethodName())
                                        .orElse("?")));
            }
            try {
                return future.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                if (e.getCause() instanceof Error cause) {
                    throw cause;
                }
                throw e;
            }
        }

        /** Waits for the start; the caller now owns the server (and closes it). */
        DatabaseLocation take() {
            taken.set(true);
            return join(location, "server's start");
        }

        /** The context closes (or failed) before anyone took the server: stop it. */
        @Override
        public void destroy() throws Exception {
            if (taken.compareAndSet(false, true)) {
                DatabaseLocation started;
                try {
                    started = location.join();
                } catch (CompletionException e) {
                    return; // nothing was started
                }
                started.close();
            }
        }
    }
}

package dev.renderbank.platform;

import dev.renderbank.platform.DatabaseConfig.DatabaseLocation;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
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
 * seen) and only for the embedded database; the operator command line attaching to a running
 * server is left to {@link DatabaseConfig}. Registered in META-INF/spring.factories.
 */
public class EmbeddedDatabaseEarlyStart implements ApplicationListener<ApplicationPreparedEvent> {

    static final String BEAN = "renderbank.embeddedDatabaseStart";

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        Environment env = event.getApplicationContext().getEnvironment();
        if (!DatabaseConfig.embedded(env) || DatabaseConfig.attachToRunning(env)) {
            return;
        }
        Starting starting = Starting.begin(() -> DatabaseConfig.locate(env));
        ConfigurableListableBeanFactory beans = event.getApplicationContext().getBeanFactory();
        beans.registerSingleton(BEAN, starting);
        if (beans instanceof DefaultSingletonBeanRegistry registry) {
            registry.registerDisposableBean(BEAN, starting);
        }
    }

    /** A start under way; its server belongs to whoever {@link #take takes} it, else to this. */
    static final class Starting implements DisposableBean {

        private final CompletableFuture<DatabaseLocation> location;
        private final AtomicBoolean taken = new AtomicBoolean();

        private Starting(CompletableFuture<DatabaseLocation> location) {
            this.location = location;
        }

        static Starting begin(Supplier<DatabaseLocation> open) {
            CompletableFuture<DatabaseLocation> location = new CompletableFuture<>();
            Thread thread = new Thread(
                    () -> {
                        try {
                            location.complete(open.get());
                        } catch (Throwable e) {
                            location.completeExceptionally(e);
                        }
                    },
                    "embedded-postgres-start");
            thread.setDaemon(true);
            thread.start();
            return new Starting(location);
        }

        /** Waits for the start; the caller now owns the server (and closes it). */
        DatabaseLocation take() {
            taken.set(true);
            try {
                return location.join();
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

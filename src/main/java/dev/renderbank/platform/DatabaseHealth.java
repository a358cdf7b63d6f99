package dev.renderbank.platform;

import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code db} part of {@code /actuator/health} (public): UP while PostgreSQL answers, DOWN (the
 * endpoint's 503) when it does not within {@code renderbank.monitoring.database-wait}. It replaces
 * Spring Boot's DataSource health indicator (this bean's name), which held each request's thread for
 * Hikari's connection timeout (5 s) during an outage and logged a WARN with a full stack trace per
 * request. One check runs at a time, on a thread of its own: requests that come meanwhile wait for
 * it (at most the same wait), so a flood of health requests costs no more connections or threads
 * than one. Failures are logged once a minute ({@link LogThrottle}), without a stack trace.
 */
@Component("dbHealthIndicator")
class DatabaseHealth implements HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

    private final DataSource dataSource;
    private final long waitMillis;
    private final LogThrottle failures = new LogThrottle();
    private final ExecutorService checks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "db-health-check");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Boolean> inFlight;

    DatabaseHealth(DataSource dataSource, MonitoringProperties properties) {
        this.dataSource = dataSource;
        this.waitMillis = properties.databaseWait().toMillis();
    }

    @Override
    public Health health() {
        try {
            if (check().get(waitMillis, TimeUnit.MILLISECONDS)) {
                return Health.up().build();
            }
            failures.warn(log, "Database health check: the connection is not valid; health is DOWN");
        } catch (TimeoutException e) {
            failures.warn(log, "Database health check: no answer within {} ms; health is DOWN", waitMillis);
        } catch (ExecutionException e) {
            failures.warn(log, "Database health check failed; health is DOWN: {}", DatabaseOutage.rootOf(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Health.down().build();
    }

    private synchronized CompletableFuture<Boolean> check() {
        if (inFlight == null || inFlight.isDone()) {
            try {
                inFlight = CompletableFuture.supplyAsync(this::valid, checks);
            } catch (RejectedExecutionException e) {
                return CompletableFuture.failedFuture(e); // shutting down
            }
        }
        return inFlight;
    }

    private boolean valid() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid((int) Math.max(1, TimeUnit.MILLISECONDS.toSeconds(waitMillis)));
        } catch (SQLException e) {
            throw new CompletionException(e);
        }
    }

    @PreDestroy
    void stop() {
        checks.shutdownNow();
    }
}

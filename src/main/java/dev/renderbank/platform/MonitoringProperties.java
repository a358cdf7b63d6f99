package dev.renderbank.platform;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code renderbank.monitoring.*}: how the monitoring endpoints meet the database.
 *
 * @param databaseWait how long {@code /actuator/health} waits for the database to answer before it
 *     answers DOWN, and how long a gauge read from the database ({@link DatabaseReadings}) waits for a
 *     fresh value before a scrape gets the last one read. Hikari's own wait for a connection (5 s)
 *     made a scrape of the ~20 such gauges take ~100 s while PostgreSQL was unreachable: Prometheus
 *     gave up and marked the node down, losing the JVM, HTTP and pool metrics exactly then.
 */
@ConfigurationProperties("renderbank.monitoring")
public record MonitoringProperties(@DefaultValue("1s") Duration databaseWait) {

    public MonitoringProperties {
        if (databaseWait == null) {
            databaseWait = Duration.ofSeconds(1);
        }
        if (databaseWait.isZero() || databaseWait.isNegative()) {
            throw new IllegalArgumentException(
                    "renderbank.monitoring.database-wait must be positive, e.g. 1s (was " + databaseWait + ")");
        }
    }
}

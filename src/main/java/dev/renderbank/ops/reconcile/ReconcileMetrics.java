package dev.renderbank.ops.reconcile;

import dev.renderbank.ops.FindingKind;
import dev.renderbank.platform.DatabaseReadings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code renderbank.reconciliation.findings{kind}}: unrepaired findings of the latest run that no
 * operator acknowledged, read from the database when scraped, so every node reports the same figures
 * and an alert rule can fire on any kind above zero; a scrape waits for the database only briefly
 * ({@link DatabaseReadings}: source {@code reconciliation-findings}).
 */
@Component
class ReconcileMetrics {

    ReconcileMetrics(FindingStore store, DatabaseReadings readings, MeterRegistry registry) {
        DatabaseReadings.Source findings = readings.source("reconciliation-findings");
        for (FindingKind kind : FindingKind.values()) {
            DatabaseReadings.Reading<Long> open = findings.reading(() -> store.openCount(kind));
            Gauge.builder("renderbank.reconciliation.findings", open, r -> r.gauge(Long::doubleValue))
                    .description("unrepaired, unacknowledged findings of the latest reconciliation run")
                    .tag("kind", kind.name())
                    .register(registry);
        }
    }
}

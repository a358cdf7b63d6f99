package dev.renderbank.ops.reconcile;

import dev.renderbank.ops.FindingKind;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code renderbank.reconciliation.findings{kind}}: unrepaired findings of the latest run that no
 * operator acknowledged, read from the database when scraped, so every node reports the same figures
 * and an alert rule can fire on any kind above zero.
 */
@Component
class ReconcileMetrics {

    ReconcileMetrics(FindingStore store, MeterRegistry registry) {
        for (FindingKind kind : FindingKind.values()) {
            Gauge.builder("renderbank.reconciliation.findings", store, s -> s.openCount(kind))
                    .description("unrepaired, unacknowledged findings of the latest reconciliation run")
                    .tag("kind", kind.name())
                    .register(registry);
        }
    }
}

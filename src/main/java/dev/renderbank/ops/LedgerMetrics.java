package dev.renderbank.ops;

import dev.renderbank.ledger.Ledger;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Frozen credits, watched: the seed's "total held credits" query as gauges, read from the
 * database when scraped, so every node reports the same figures.
 */
@Component
class LedgerMetrics {

    LedgerMetrics(Ledger ledger, MeterRegistry registry) {
        Gauge.builder("renderbank.credits.held", ledger, l -> l.holdsSummary().heldCredits())
                .description("credits held by open holds (jobs in flight)")
                .register(registry);
        Gauge.builder("renderbank.holds.open", ledger, l -> l.holdsSummary().openHolds())
                .description("open holds")
                .register(registry);
        Gauge.builder("renderbank.holds.overdue", ledger, l -> l.holdsSummary().expiredButOpen())
                .description("open holds past their deadline, not yet expired by the sweeper")
                .register(registry);
    }
}

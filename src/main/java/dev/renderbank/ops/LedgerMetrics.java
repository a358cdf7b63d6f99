package dev.renderbank.ops;

import dev.renderbank.ledger.HoldsSummary;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DatabaseReadings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Frozen credits, watched: the seed's "total held credits" query as gauges, read from the database
 * when scraped, so every node reports the same figures; a scrape waits for the database only briefly
 * ({@link DatabaseReadings}: source {@code holds}).
 */
@Component
class LedgerMetrics {

    LedgerMetrics(Ledger ledger, DatabaseReadings readings, MeterRegistry registry) {
        DatabaseReadings.Reading<HoldsSummary> holds = readings.source("holds").reading(ledger::holdsSummary);
        Gauge.builder("renderbank.credits.held", holds, h -> h.gauge(HoldsSummary::heldCredits))
                .description("credits held by open holds (jobs in flight)")
                .register(registry);
        Gauge.builder("renderbank.holds.open", holds, h -> h.gauge(HoldsSummary::openHolds))
                .description("open holds")
                .register(registry);
        Gauge.builder("renderbank.holds.overdue", holds, h -> h.gauge(HoldsSummary::expiredButOpen))
                .description("open holds past their deadline, not yet expired by the sweeper")
                .register(registry);
    }
}

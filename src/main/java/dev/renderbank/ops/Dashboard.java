package dev.renderbank.ops;

import dev.renderbank.billing.OperatorBilling;
import dev.renderbank.generation.ModelStats;
import dev.renderbank.generation.OperatorJobs;
import dev.renderbank.ledger.HoldsSummary;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.Switches;
import dev.renderbank.provider.Availability;
import dev.renderbank.provider.BalanceReading;
import dev.renderbank.provider.ProviderStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/** The operators' dashboard: one read of every module's public figures. */
@Service
public class Dashboard {

    public static final Duration WINDOW = Duration.ofHours(24);

    private final OperatorJobs jobs;
    private final Ledger ledger;
    private final ProviderStatus providerStatus;
    private final OperatorBilling billing;
    private final Notifier notifier;
    private final Switches switches;
    private final Reconciliation reconciliation;
    private final Clock clock;

    Dashboard(
            OperatorJobs jobs,
            Ledger ledger,
            ProviderStatus providerStatus,
            OperatorBilling billing,
            Notifier notifier,
            Switches switches,
            Reconciliation reconciliation,
            Clock clock) {
        this.jobs = jobs;
        this.ledger = ledger;
        this.providerStatus = providerStatus;
        this.billing = billing;
        this.notifier = notifier;
        this.switches = switches;
        this.reconciliation = reconciliation;
        this.clock = clock;
    }

    /**
     * @param jobsByState live jobs by state, plus jobs finished in the window by state
     * @param providerBalance last balance read from the provider (provider credits), null if never read
     * @param balanceReading when that balance was read, and whether the checks fail now
     * @param lastReconciliation the latest reconciliation run, null if none has run yet
     */
    public record View(
            Instant at,
            Map<String, Long> jobsByState,
            long jobsTotal,
            List<ModelStats> models,
            Map<String, Long> failureReasons,
            HoldsSummary holds,
            Availability provider,
            Long providerBalance,
            BalanceReading balanceReading,
            long providerLowThreshold,
            Map<String, Long> paymentEvents,
            Map<String, Long> outbox,
            List<Switches.Switch> switches,
            ReconciliationSummary lastReconciliation) {

        public boolean providerBalanceLow() {
            return providerBalance != null && providerBalance < providerLowThreshold;
        }

        /** "read 3 min ago", or "not read for 2 h 5 min" while the checks fail; null if never read. */
        public String balanceAge() {
            Duration age = balanceReading.age(at);
            if (age == null) {
                return null;
            }
            return balanceReading.failing() ? "not read for " + span(age) : "read " + span(age) + " ago";
        }

        /** How long the balance checks have failed (null while they read it). */
        public String balanceFailingFor() {
            return balanceReading.failing() ? span(Duration.between(balanceReading.failingSince(), at)) : null;
        }

        static String span(Duration d) {
            if (d.isNegative() || d.toMinutes() < 1) {
                return "less than a minute";
            }
            if (d.toHours() < 1) {
                return d.toMinutes() + " min";
            }
            if (d.toDays() < 2) {
                return d.toHours() + " h" + (d.toMinutesPart() == 0 ? "" : " " + d.toMinutesPart() + " min");
            }
            return d.toDays() + " days";
        }
    }

    public View now() {
        Instant now = clock.instant();
        Instant since = now.minus(WINDOW);
        Map<String, Long> byState = jobs.countsByState(since);
        BalanceReading reading = providerStatus.balanceReading();
        return new View(
                now,
                byState,
                byState.values().stream().mapToLong(Long::longValue).sum(),
                jobs.modelStats(since),
                jobs.failureReasons(since),
                ledger.holdsSummary(),
                providerStatus.current(),
                reading.credits(),
                reading,
                providerStatus.lowBalanceThreshold(),
                billing.paymentEventsByStatus(),
                notifier.outboxByStatus(),
                switches.all(),
                reconciliation.latest().map(ReconciliationSummary::of).orElse(null));
    }
}

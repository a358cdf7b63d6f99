package dev.renderbank.ops;

import dev.renderbank.billing.PaymentReconciliation;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.reconcile.Acknowledgements;
import dev.renderbank.ops.reconcile.CarriedFindings;
import dev.renderbank.ops.reconcile.CrossChecks;
import dev.renderbank.ops.reconcile.FindingLocks;
import dev.renderbank.ops.reconcile.FindingStore;
import dev.renderbank.ops.reconcile.Found;
import dev.renderbank.ops.reconcile.PaymentFindings;
import dev.renderbank.ops.reconcile.ProviderJobChecks;
import dev.renderbank.ops.reconcile.ReconcileLocks;
import dev.renderbank.ops.reconcile.ReconcileProperties;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reconciliation: the books against themselves (ledger invariants), the modules against each other
 * (holds and jobs, purchases and grants, succeeded jobs, captures and assets), and against the outside
 * world (the generation provider's job states, the payment providers' paid checkouts). A run only
 * reads and records: every difference is stored as a finding with its evidence, counted in a metric
 * and sent to the operators in one alert per run; nothing is fixed silently. A finding an operator
 * acknowledged (dealt with, no repair can clear it) is stored acknowledged while its evidence stays the
 * same, and is not counted in the alert, the metric or the command's exit code: an acknowledgement
 * committed before the run stores its findings counts, also one made while the run read the providers. A paid checkout, a refund
 * or a dispute not recorded here can be repaired by an operator ({@link ReconcileRepairs}).
 *
 * <p>Here is the run: its window, its order of checks, storing and alerting. The checks and the
 * findings they make are in {@code ops.reconcile}: {@link CrossChecks}, {@link ProviderJobChecks},
 * {@link PaymentFindings} for what the payment providers report, and {@link CarriedFindings} for open
 * findings a run could not check again.
 */
@Service
public class Reconciliation {

    public static final String SCHEDULED = "SCHEDULED";
    public static final String ON_DEMAND = "ON_DEMAND";
    public static final String COMMAND = "COMMAND";

    static final AlertKind ALERT = AlertKind.RECONCILIATION_FINDINGS;

    /**
     * How far back a run reads the payment providers for an open finding at most; an older open
     * finding is carried from run to run as it stands ({@link CarriedFindings#notSeenAgain}).
     */
    static final Duration OPEN_FINDINGS_REACH = Duration.ofDays(90);

    /** The payment findings a repair can close: while one is open, the providers are read back to it. */
    private static final List<FindingKind> PAYMENT_KINDS =
            List.of(FindingKind.PAID_NOT_RECORDED, FindingKind.REFUND_NOT_RECORDED, FindingKind.DISPUTE_NOT_RECORDED);

    private final Ledger ledger;
    private final CrossChecks cross;
    private final ProviderJobChecks providerJobs;
    private final PaymentReconciliation payments;
    private final FindingStore store;
    private final FindingLocks findingLocks;
    private final ReconcileLocks locks;
    private final OperatorAlerts alerts;
    private final AuditedActions actions;
    private final ReconcileProperties props;
    private final TransactionTemplate tx;
    private final Clock clock;

    Reconciliation(
            Ledger ledger,
            CrossChecks cross,
            ProviderJobChecks providerJobs,
            PaymentReconciliation payments,
            FindingStore store,
            FindingLocks findingLocks,
            ReconcileLocks locks,
            OperatorAlerts alerts,
            AuditedActions actions,
            ReconcileProperties props,
            TransactionTemplate tx,
            Clock clock) {
        this.ledger = ledger;
        this.cross = cross;
        this.providerJobs = providerJobs;
        this.payments = payments;
        this.store = store;
        this.findingLocks = findingLocks;
        this.locks = locks;
        this.alerts = alerts;
        this.actions = actions;
        this.props = props;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Runs every check and stores the run; provider calls happen outside any transaction. One run at
     * a time: while another runs (on any node, or the command line) this one is refused with {@link
     * ReconcileLocks.RunInProgress}.
     *
     * <p>The payment providers are read back {@code window}, or further, to where the oldest open
     * repairable payment finding of the latest run was first seen: a paid checkout whose webhook was
     * lost stays in the latest report (and its metric and the dashboard) until it is repaired or its
     * webhook arrives, however long the operators take; it no longer drops out once older than the
     * window. The run's {@code windowFrom} is where the payment providers were read from.
     */
    public ReconciliationReport run(String trigger, String actor) {
        return locks.whileReconciling(() -> runAlone(trigger, actor));
    }

    private ReconciliationReport runAlone(String trigger, String actor) {
        Instant now = clock.instant();
        Instant from = now.minus(props.window());
        List<FindingStore.Open> open = store.open(PAYMENT_KINDS);
        Instant reach = now.minus(OPEN_FINDINGS_REACH);
        Instant paymentsFrom = open.stream()
                .map(FindingStore.Open::since)
                .filter(since -> since.isBefore(from))
                .min(Comparator.naturalOrder())
                .map(since -> since.isBefore(reach) ? reach : since)
                .orElse(from);
        long runId = store.start(trigger, actor, paymentsFrom, now);
        Acknowledgements acks = store.acknowledgements();
        List<Found> found = new ArrayList<>();
        ledger.checkInvariants()
                .violations()
                .forEach(v -> found.add(Found.of(FindingKind.LEDGER_INVARIANT, "ledger", Map.of("violation", v))));
        found.addAll(cross.run(now.minus(props.settle()), acks));
        List<FindingStore.Open> openOfProvider = store.unrepaired(List.of(FindingKind.JOB_PROVIDER_DISAGREES));
        ProviderJobChecks.Checked sampled = providerJobs.run(from, now.minus(props.settle()), found::add);
        found.addAll(CarriedFindings.notAskedAgain(openOfProvider, found, sampled));
        List<String> skipped = new ArrayList<>(sampled.skipped());
        PaymentReconciliation.Checked paid = payments.unrecordedSince(paymentsFrom);
        skipped.addAll(paid.skipped());
        found.addAll(PaymentFindings.of(paid));
        found.addAll(CarriedFindings.notSeenAgain(open, found, paid.skipped(), paymentsFrom, OPEN_FINDINGS_REACH));
        tx.executeWithoutResult(s -> {
            // the acknowledgements as they stand when the run stores (not as it started, minutes ago):
            // one committed while the providers were read is honoured, and one committing after this
            // marks the stored findings (FindingLocks)
            findingLocks.lockStoring();
            Acknowledgements acknowledged = store.acknowledgements();
            List<Found> counted =
                    found.stream().filter(f -> acknowledged.of(f).isEmpty()).toList();
            store.finish(runId, found, skipped, clock.instant(), acknowledged);
            if (!counted.isEmpty()) {
                alerts.raise(ALERT, summary(runId, counted, found.size() - counted.size()));
            }
        });
        return store.report(runId).orElseThrow();
    }

    /** An on-demand run by an operator, recorded in the audit with its result. */
    public ReconciliationReport runAudited(String actor, String trigger) {
        ReconciliationReport r = run(trigger, actor);
        actions.run(
                new AuditedActions.Request(
                        actor, "reconcile", "reconciliation", "on demand", null, "auto:" + UUID.randomUUID()),
                () -> new AuditedActions.Step.Applied(
                        Map.of(), Map.of("runId", r.runId(), "findings", countsText(r.countsByKind()))));
        return r;
    }

    public Optional<ReconciliationReport> latest() {
        return store.latest();
    }

    public Optional<ReconciliationReport> report(long runId) {
        return store.report(runId);
    }

    /** The alert's text: the differences that count; acknowledged ones only as a number. */
    private static String summary(long runId, List<Found> counted, int acknowledged) {
        Map<FindingKind, Long> counts = counted.stream()
                .collect(Collectors.groupingBy(Found::kind, java.util.TreeMap::new, Collectors.counting()));
        return "Reconciliation run " + runId + " found " + counted.size() + " difference(s): " + countsText(counts)
                + (acknowledged > 0 ? " (and " + acknowledged + " acknowledged by operators, not counted)" : "")
                + ". Nothing was changed; see /admin/reconciliation (repairs are operator actions).";
    }

    private static String countsText(Map<FindingKind, Long> counts) {
        return counts.isEmpty()
                ? "none"
                : counts.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "));
    }
}

package dev.renderbank.ops;

import dev.renderbank.billing.PaymentReconciliation;
import dev.renderbank.billing.ProviderPayment;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.reconcile.CrossChecks;
import dev.renderbank.ops.reconcile.FindingStore;
import dev.renderbank.ops.reconcile.Found;
import dev.renderbank.ops.reconcile.ProviderJobChecks;
import dev.renderbank.ops.reconcile.ReconcileLocks;
import dev.renderbank.ops.reconcile.ReconcileProperties;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reconciliation: the books against themselves (ledger invariants), the modules against each other
 * (holds and jobs, purchases and grants, succeeded jobs, captures and assets), and against the outside
 * world (the generation provider's job states, the payment providers' paid checkouts). A run only
 * reads and records: every difference is stored as a finding with its evidence, counted in a metric
 * and sent to the operators in one alert per run; nothing is fixed silently. A paid checkout, a refund
 * or a dispute not recorded here can be repaired by an operator ({@link ReconcileRepairs}).
 */
@Service
public class Reconciliation {

    public static final String SCHEDULED = "SCHEDULED";
    public static final String ON_DEMAND = "ON_DEMAND";
    public static final String COMMAND = "COMMAND";

    static final String ALERT = "reconciliation.findings";

    /**
     * How far back a run reads the payment providers for an open finding at most; an older open
     * finding is carried from run to run as it stands.
     */
    static final Duration OPEN_FINDINGS_REACH = Duration.ofDays(90);

    /** The payment findings a repair can close: while one is open, the providers are read back to it. */
    private static final List<FindingKind> PAYMENT_KINDS =
            List.of(FindingKind.PAID_NOT_RECORDED, FindingKind.REFUND_NOT_RECORDED, FindingKind.DISPUTE_NOT_RECORDED);

    private static final JsonMapper JSON = JsonMapper.shared();

    private final Ledger ledger;
    private final CrossChecks cross;
    private final ProviderJobChecks providerJobs;
    private final PaymentReconciliation payments;
    private final FindingStore store;
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
        List<Found> found = new ArrayList<>();
        ledger.checkInvariants()
                .violations()
                .forEach(v -> found.add(Found.of(FindingKind.LEDGER_INVARIANT, "ledger", Map.of("violation", v))));
        found.addAll(cross.run(now.minus(props.settle())));
        List<FindingStore.Open> openOfProvider = store.unrepaired(List.of(FindingKind.JOB_PROVIDER_DISAGREES));
        ProviderJobChecks.Checked sampled = providerJobs.run(from, now.minus(props.settle()), found::add);
        found.addAll(notAskedAgain(openOfProvider, found, sampled));
        List<String> skipped = new ArrayList<>(sampled.skipped());
        PaymentReconciliation.Checked paid = payments.unrecordedSince(paymentsFrom);
        skipped.addAll(paid.skipped());
        paid.unrecorded().forEach(p -> found.add(unrecorded(p)));
        paid.refunds().forEach(r -> found.add(refundNotRecorded(r)));
        paid.disputes().forEach(d -> found.add(disputeNotRecorded(d)));
        found.addAll(notSeenAgain(open, found, paid.skipped(), paymentsFrom));
        tx.executeWithoutResult(s -> {
            store.finish(runId, found, skipped, clock.instant());
            if (!found.isEmpty()) {
                alerts.raise(ALERT, summary(runId, found));
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

    /**
     * The open payment findings of the previous run this run could not see again: their provider was
     * not asked (or not about everything: "not checked"), or their object lies before the furthest
     * this run reads ({@link #OPEN_FINDINGS_REACH}). They stand as they were, with a note why, until a
     * run sees them recorded or an operator repairs them; one that was looked for and is no longer
     * reported is recorded by now (its webhook arrived) and is not carried.
     */
    private static List<Found> notSeenAgain(
            List<FindingStore.Open> open, List<Found> found, List<String> skipped, Instant paymentsFrom) {
        Set<String> seen = found.stream().map(Found::subject).collect(Collectors.toSet());
        List<Found> carried = new ArrayList<>();
        for (FindingStore.Open o : open) {
            String provider = o.subject().substring(0, Math.max(0, o.subject().indexOf(':')));
            Optional<String> why = skipped.stream()
                    .filter(s -> s.startsWith(provider + ":"))
                    .findFirst()
                    .or(() -> o.since().isBefore(paymentsFrom)
                            ? Optional.of("older than the " + OPEN_FINDINGS_REACH.toDays() + " days a run reads back")
                            : Optional.empty());
            if (seen.contains(o.subject()) || why.isEmpty()) {
                continue;
            }
            carried.add(new Found(o.kind(), o.subject(), carriedEvidence(o, why.get()), true, o.since()));
        }
        return carried;
    }

    /**
     * The open provider differences of the previous run whose job this run asked the provider about
     * and got no answer (an outage, a refused key, the command line without the simulator's key):
     * they stand as they were, with the note why, until a run that is answered finds them gone. One
     * whose job the provider answered and that was not found again agrees by now; one whose job left
     * the sample drops out, as any job older than the sample does.
     */
    private static List<Found> notAskedAgain(
            List<FindingStore.Open> open, List<Found> found, ProviderJobChecks.Checked sampled) {
        Set<String> seen = found.stream()
                .filter(f -> f.kind() == FindingKind.JOB_PROVIDER_DISAGREES)
                .map(Found::subject)
                .collect(Collectors.toSet());
        List<Found> carried = new ArrayList<>();
        for (FindingStore.Open o : open) {
            if (seen.contains(o.subject()) || !sampled.unanswered().contains(o.subject())) {
                continue;
            }
            carried.add(new Found(
                    o.kind(), o.subject(), carriedEvidence(o, sampled.skipped().get(0)), false, o.since()));
        }
        return carried;
    }

    /** A carried finding's evidence: as it stood, with why it was not checked again. */
    private static Map<String, Object> carriedEvidence(FindingStore.Open o, String why) {
        @SuppressWarnings("unchecked")
        Map<String, Object> evidence = new LinkedHashMap<>(JSON.readValue(o.evidence(), Map.class));
        evidence.put("notCheckedAgain", why);
        return evidence;
    }

    public Optional<ReconciliationReport> latest() {
        return store.latest();
    }

    public Optional<ReconciliationReport> report(long runId) {
        return store.report(runId);
    }

    private static Found unrecorded(ProviderPayment p) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("provider", p.provider());
        evidence.put("kind", p.kind());
        evidence.put("objectId", p.objectId());
        evidence.put("purchaseKey", p.purchaseKey());
        evidence.put("userId", p.userId());
        evidence.put("product", p.product());
        evidence.put("amountMinor", p.amountMinor());
        evidence.put("currency", p.currency());
        evidence.put("paidAt", p.paidAt() == null ? null : p.paidAt().toString());
        evidence.put("object", JSON.readTree(p.raw()));
        return new Found(
                FindingKind.PAID_NOT_RECORDED,
                p.provider() + ":" + p.kind() + ":" + p.objectId(),
                evidence,
                true,
                created(p.raw()));
    }

    private static Found refundNotRecorded(PaymentReconciliation.RefundNotRecorded r) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("provider", r.refund().provider());
        evidence.put("chargeId", r.refund().chargeId());
        evidence.put("refundId", r.refund().refundId());
        evidence.put("purchaseKey", r.purchaseKey());
        evidence.put("refundedAtProviderMinor", r.refund().refundedMinor());
        evidence.put("refundedHereMinor", r.refundedHereMinor());
        evidence.put("object", JSON.readTree(r.refund().raw()));
        return new Found(
                FindingKind.REFUND_NOT_RECORDED,
                r.refund().provider() + ":charge:" + r.refund().chargeId(),
                evidence,
                r.refund().replayable(),
                created(r.refund().raw()));
    }

    private static Found disputeNotRecorded(PaymentReconciliation.DisputeNotRecorded d) {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("provider", d.dispute().provider());
        evidence.put("disputeId", d.dispute().disputeId());
        evidence.put("purchaseKey", d.purchaseKey());
        evidence.put("statusAtProvider", d.dispute().expectedStatus());
        evidence.put("recordedHere", d.recorded());
        evidence.put("object", JSON.readTree(d.dispute().raw()));
        return new Found(
                FindingKind.DISPUTE_NOT_RECORDED,
                d.dispute().provider() + ":dispute:" + d.dispute().disputeId(),
                evidence,
                d.dispute().replayable(),
                created(d.dispute().raw()));
    }

    /**
     * When the provider created the object ({@code created}: Stripe's epoch seconds; {@code
     * created_at}: epoch seconds or milliseconds, or an ISO instant), a minute early for clocks that
     * differ; null when the object does not say.
     */
    static Instant created(String raw) {
        try {
            JsonNode o = JSON.readTree(raw);
            JsonNode at = o.has("created") ? o.path("created") : o.path("created_at");
            Instant t = at.isNumber()
                    ? (at.asLong() > 100_000_000_000L
                            ? Instant.ofEpochMilli(at.asLong())
                            : Instant.ofEpochSecond(at.asLong()))
                    : at.isString() ? Instant.parse(at.asString()) : null;
            return t == null ? null : t.minus(Duration.ofMinutes(1));
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String summary(long runId, List<Found> found) {
        Map<FindingKind, Long> counts = found.stream()
                .collect(Collectors.groupingBy(Found::kind, java.util.TreeMap::new, Collectors.counting()));
        return "Reconciliation run " + runId + " found " + found.size() + " difference(s): " + countsText(counts)
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

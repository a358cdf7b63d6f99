package dev.renderbank.ops.reconcile;

import dev.renderbank.billing.PaymentReconciliation;
import dev.renderbank.billing.ProviderPayment;
import dev.renderbank.ops.FindingKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The findings of a read of the payment providers: paid checkouts, refunds and disputes they report
 * that are not recorded here, each with the provider's object as evidence and, where it says so, when
 * the provider created it (the run reads the provider back to it while the finding is open).
 */
public final class PaymentFindings {

    private static final JsonMapper JSON = JsonMapper.shared();

    private PaymentFindings() {}

    /** Every difference of {@code paid}: the unrecorded payments, then refunds, then disputes. */
    public static List<Found> of(PaymentReconciliation.Checked paid) {
        List<Found> found = new ArrayList<>();
        paid.unrecorded().forEach(p -> found.add(unrecorded(p)));
        paid.refunds().forEach(r -> found.add(refundNotRecorded(r)));
        paid.disputes().forEach(d -> found.add(disputeNotRecorded(d)));
        return found;
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
}

package dev.renderbank.billing.db;

import static dev.renderbank.platform.Rows.expectOne;
import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of a purchase's charge ({@code billing_purchase}): what was paid for it, what refunds and
 * disputes took of that, and the look-ups reconciliation compares with the provider's transactions.
 * The rest of the purchase and its grants: {@link PurchaseStore}.
 */
@Repository
public class PurchaseChargeStore {

    private final JdbcClient jdbc;
    private final PurchaseRefStore purchaseRefs;

    PurchaseChargeStore(JdbcClient jdbc, PurchaseRefStore purchaseRefs) {
        this.jdbc = jdbc;
        this.purchaseRefs = purchaseRefs;
    }

    /** Whether a purchase is recorded under {@code key} (a webhook's purchase key). */
    public boolean exists(String key) {
        return jdbc.sql("select exists (select 1 from billing_purchase where purchase_key = :key)")
                .param("key", key)
                .query(Boolean.class)
                .single();
    }

    /**
     * The purchase the provider's ids name, its key and what it records refunded: the purchase of the
     * first id in {@code refs} that one records, as a webhook's own look-up takes it ({@link
     * PurchaseRefStore#purchaseOf}). A renewal's transaction comes before the order all periods share,
     * which the first period records: the renewal is measured, not the first period.
     */
    public Optional<RefundedHere> refundedByRefs(String provider, List<String> refs) {
        return purchaseRefs
                .purchaseOf(provider, refs)
                .map(id -> jdbc.sql("""
                        select purchase_key, refunded_minor from billing_purchase where id = :id""")
                        .param("id", id)
                        .query((rs, n) -> new RefundedHere(rs.getString(1), rs.getLong(2)))
                        .single());
    }

    /**
     * A provider's purchases recorded since {@code from}, newest first, at most {@code limit}: what it
     * records refunded, whether any dispute is recorded on it, and the provider's ids it is known by.
     */
    public List<Recorded> recordedSince(String provider, Instant from, int limit) {
        return jdbc.sql("""
                        select p.purchase_key, p.amount_minor, p.refunded_minor,
                               exists (select 1 from billing_dispute d where d.purchase_id = p.id) as any_dispute,
                               array(select r.ref from billing_purchase_ref r
                                      where r.purchase_id = p.id and r.ref <> '' order by r.ref) as refs
                          from billing_purchase p
                         where p.provider = :provider and p.created_at >= :from
                         order by p.created_at desc, p.id desc limit :limit""")
                .param("provider", provider)
                .param("from", ts(from))
                .param("limit", limit)
                .query((rs, n) -> new Recorded(
                        rs.getString("purchase_key"),
                        rs.getLong("amount_minor"),
                        rs.getLong("refunded_minor"),
                        rs.getBoolean("any_dispute"),
                        List.of((String[]) rs.getArray("refs").getArray())))
                .list();
    }

    /** A recorded purchase as reconciliation compares it with the provider's transaction. */
    public record Recorded(String key, long amountMinor, long refundedMinor, boolean anyDispute, List<String> refs) {}

    /** A purchase's key and the total refunded it records. */
    public record RefundedHere(String purchaseKey, long refundedMinor) {}

    /**
     * How many answers about its charge's refunded total were applied to the purchase ({@link
     * #countRefundAnswer}), moving its total or not.
     */
    public long refundAnswers(long purchaseId) {
        return jdbc.sql("select refund_answers from billing_purchase where id = :id")
                .param("id", purchaseId)
                .query(Long.class)
                .single();
    }

    /** Counts one more answer about the purchase's refunded total applied (the purchase is locked). */
    public void countRefundAnswer(long purchaseId) {
        expectOne(
                jdbc.sql("update billing_purchase set refund_answers = refund_answers + 1 where id = :id")
                        .param("id", purchaseId)
                        .update(),
                "purchase refund answers");
    }

    /**
     * Records what a purchase recorded as paid nothing was paid after all (its refund of real money
     * says so): once, from 0. Its charge is then the whole of what paid for it.
     */
    public void setPaidFromNothing(long purchaseId, long amountMinor) {
        expectOne(jdbc.sql("""
                                update billing_purchase set amount_minor = :a, from_balance_minor = 0
                                 where id = :id and amount_minor = 0""").param("a", amountMinor).param("id", purchaseId).update(), "purchase paid amount");
    }

    public void setRefunded(long purchaseId, long refundedMinor) {
        expectOne(
                jdbc.sql("update billing_purchase set refunded_minor = :r where id = :id and refunded_minor <= :r")
                        .param("r", refundedMinor)
                        .param("id", purchaseId)
                        .update(),
                "purchase refund");
    }

    /**
     * Moves the refunded amount from {@code from} (what the caller read under the purchase's lock) to
     * {@code to}, up or down: a provider's refund can fail after it was counted.
     */
    public void moveRefunded(long purchaseId, long from, long to) {
        expectOne(
                jdbc.sql("""
                                update billing_purchase set refunded_minor = :to
                                 where id = :id and refunded_minor = :from and :to >= 0""")
                        .param("to", to)
                        .param("from", from)
                        .param("id", purchaseId)
                        .update(),
                "purchase refund move");
    }

    /** Adds (or, negative, removes) a dispute's share of the charge. */
    public void addDisputed(long purchaseId, long amountMinor) {
        expectOne(
                jdbc.sql("""
                                update billing_purchase set disputed_minor = disputed_minor + :amount
                                 where id = :id and disputed_minor + :amount >= 0""")
                        .param("amount", amountMinor)
                        .param("id", purchaseId)
                        .update(),
                "purchase dispute");
    }

    /** Marks the purchase disputed exactly while one of its disputes is open. */
    public void markOpenDisputes(long purchaseId) {
        expectOne(jdbc.sql("""
                                update billing_purchase p
                                   set disputed = exists (select 1 from billing_dispute d
                                                           where d.purchase_id = p.id and d.status = 'OPEN')
                                 where p.id = :id""").param("id", purchaseId).update(), "purchase dispute mark");
    }
}

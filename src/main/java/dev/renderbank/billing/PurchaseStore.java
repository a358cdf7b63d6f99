package dev.renderbank.billing;

import static dev.renderbank.billing.PaymentEventStore.ts;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of purchases, their provider refs, grants and refunds. Disputes: {@link DisputeStore};
 * subscription periods: {@link PeriodStore}.
 */
@Repository
class PurchaseStore {

    private static final String PURCHASE_COLUMNS = """
            p.id, p.purchase_key, p.provider, p.user_id, p.product, p.credits, p.amount_minor, p.currency,
            p.granted, p.clawed, p.refunded_minor, p.disputed_minor, p.disputed""";

    private final JdbcClient jdbc;

    PurchaseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the purchase; empty if its key was recorded before. */
    Optional<Long> insert(
            String key,
            String provider,
            long userId,
            String product,
            long credits,
            long amount,
            String currency,
            Instant now) {
        return jdbc.sql("""
                        insert into billing_purchase (purchase_key, provider, user_id, product, credits, amount_minor,
                                                      currency, created_at)
                        values (:key, :provider, :user, :product, :credits, :amount, :currency, :now)
                        on conflict (purchase_key) do nothing returning id""")
                .param("key", key)
                .param("provider", provider)
                .param("user", userId)
                .param("product", product)
                .param("credits", credits)
                .param("amount", amount)
                .param("currency", currency)
                .param("now", ts(now))
                .query(Long.class)
                .optional();
    }

    void addRefs(String provider, long purchaseId, List<String> refs) {
        for (String ref : refs) {
            if (ref != null && !ref.isBlank()) {
                jdbc.sql("""
                                insert into billing_purchase_ref (provider, ref, purchase_id) values (:provider, :ref, :id)
                                on conflict do nothing""")
                        .param("provider", provider)
                        .param("ref", ref)
                        .param("id", purchaseId)
                        .update();
            }
        }
    }

    /**
     * Locks the purchase named by the first of {@code refs} that is recorded: callers list refs
     * most specific first (transaction, charge, payment intent; then invoice; then order; then
     * checkout), because one refund can name both a renewal's own transaction and the original
     * order, and only the transaction says which period it takes back.
     */
    Optional<Purchase> lockByRefs(String provider, List<String> refs) {
        List<String> present =
                refs.stream().filter(r -> r != null && !r.isBlank()).toList();
        if (present.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Long> recorded = new HashMap<>();
        jdbc.sql("select ref, purchase_id from billing_purchase_ref where provider = :provider and ref in (:refs)")
                .param("provider", provider)
                .param("refs", present)
                .query((rs, n) -> recorded.put(rs.getString("ref"), rs.getLong("purchase_id")))
                .list();
        return present.stream().filter(recorded::containsKey).findFirst().map(ref -> lock(recorded.get(ref)));
    }

    /**
     * Serializes the two events that link an invoice to its payment (invoice.paid and
     * invoice_payment.paid), so whichever commits second sees what the first recorded.
     */
    void lockInvoice(String provider, String invoiceId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtext(:key))")
                .param("key", provider + ":invoice:" + invoiceId)
                .query((rs, n) -> 1)
                .list();
    }

    void addInvoicePayment(String provider, String invoiceId, List<String> refs) {
        for (String ref : refs) {
            if (ref != null && !ref.isBlank()) {
                jdbc.sql("""
                                insert into billing_invoice_payment (provider, invoice_id, ref)
                                values (:provider, :invoice, :ref) on conflict do nothing""")
                        .param("provider", provider)
                        .param("invoice", invoiceId)
                        .param("ref", ref)
                        .update();
            }
        }
    }

    List<String> invoicePayments(String provider, String invoiceId) {
        return jdbc.sql("select ref from billing_invoice_payment where provider = :provider and invoice_id = :invoice")
                .param("provider", provider)
                .param("invoice", invoiceId)
                .query(String.class)
                .list();
    }

    Purchase lock(long id) {
        return jdbc.sql("select " + PURCHASE_COLUMNS + " from billing_purchase p where p.id = :id for update")
                .param("id", id)
                .query(PurchaseStore::mapPurchase)
                .single();
    }

    /** Records a grant of the purchase; false if that grant key is already taken (nothing to grant). */
    boolean addGrant(long purchaseId, String grantKey, long amount, Instant now) {
        int inserted = jdbc.sql("""
                        insert into billing_purchase_grant (grant_key, purchase_id, amount, created_at)
                        values (:key, :id, :amount, :now) on conflict (grant_key) do nothing""")
                .param("key", grantKey)
                .param("id", purchaseId)
                .param("amount", amount)
                .param("now", ts(now))
                .update();
        if (inserted == 1) {
            expectOne(
                    jdbc.sql("update billing_purchase set granted = granted + :amount where id = :id")
                            .param("amount", amount)
                            .param("id", purchaseId)
                            .update(),
                    "purchase grant");
        }
        return inserted == 1;
    }

    /** Grant keys of a purchase, newest first: clawbacks take from the latest grants first. */
    List<String> grantKeys(long purchaseId) {
        return jdbc.sql(
                        "select grant_key from billing_purchase_grant where purchase_id = :id order by created_at desc, grant_key desc")
                .param("id", purchaseId)
                .query(String.class)
                .list();
    }

    void addClawed(long purchaseId, long amount) {
        expectOne(
                jdbc.sql(
                                "update billing_purchase set clawed = clawed + :amount where id = :id and clawed + :amount >= 0")
                        .param("amount", amount)
                        .param("id", purchaseId)
                        .update(),
                "purchase clawback");
    }

    void setRefunded(long purchaseId, long refundedMinor) {
        expectOne(
                jdbc.sql("update billing_purchase set refunded_minor = :r where id = :id and refunded_minor <= :r")
                        .param("r", refundedMinor)
                        .param("id", purchaseId)
                        .update(),
                "purchase refund");
    }

    /** Adds (or, negative, removes) a dispute's share of the charge. */
    void addDisputed(long purchaseId, long amountMinor) {
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
    void markOpenDisputes(long purchaseId) {
        expectOne(jdbc.sql("""
                                update billing_purchase p
                                   set disputed = exists (select 1 from billing_dispute d
                                                           where d.purchase_id = p.id and d.status = 'OPEN')
                                 where p.id = :id""").param("id", purchaseId).update(), "purchase dispute mark");
    }

    /** The product of the purchase that holds {@code grantKey}, if any. */
    Optional<String> productOfGrant(String grantKey) {
        return jdbc.sql("""
                        select p.product from billing_purchase_grant g join billing_purchase p on p.id = g.purchase_id
                         where g.grant_key = :key""").param("key", grantKey).query(String.class).optional();
    }

    boolean hasOtherPurchase(long userId, long purchaseId) {
        return jdbc.sql("select exists (select 1 from billing_purchase where user_id = :user and id <> :id)")
                .param("user", userId)
                .param("id", purchaseId)
                .query(Boolean.class)
                .single();
    }

    /** Records a refund once; false if this refund was applied before. */
    boolean insertRefund(String provider, String refundId, long purchaseId, long cumulative, Instant now) {
        return jdbc.sql("""
                                insert into billing_refund (provider, refund_id, purchase_id, cumulative, created_at)
                                values (:provider, :id, :purchase, :cumulative, :now) on conflict do nothing""")
                        .param("provider", provider)
                        .param("id", refundId)
                        .param("purchase", purchaseId)
                        .param("cumulative", cumulative)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    private static Purchase mapPurchase(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Purchase(
                rs.getLong("id"),
                rs.getString("purchase_key"),
                rs.getString("provider"),
                rs.getLong("user_id"),
                rs.getString("product"),
                rs.getLong("credits"),
                rs.getLong("amount_minor"),
                rs.getString("currency"),
                rs.getLong("granted"),
                rs.getLong("clawed"),
                rs.getLong("refunded_minor"),
                rs.getLong("disputed_minor"),
                rs.getBoolean("disputed"));
    }

    static void expectOne(int rows, String what) {
        if (rows != 1) {
            throw new IllegalStateException(what + " changed " + rows + " rows, expected 1");
        }
    }
}

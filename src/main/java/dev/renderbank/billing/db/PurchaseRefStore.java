package dev.renderbank.billing.db;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of {@code billing_purchase_ref}: the provider ids (order, transaction, charge, payment intent,
 * invoice, checkout) by which later refunds and disputes name a purchase.
 */
@Repository
public class PurchaseRefStore {

    private final JdbcClient jdbc;

    PurchaseRefStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records the non-blank {@code refs} as names of the purchase; a ref already recorded stays as it is. */
    public void add(String provider, long purchaseId, List<String> refs) {
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
     * The purchase named by the first of {@code refs} that is recorded: callers list refs most
     * specific first (transaction, charge, payment intent; then invoice; then order; then
     * checkout), because one refund can name both a renewal's own transaction and the original
     * order, and only the transaction says which period it takes back.
     */
    public Optional<Long> purchaseOf(String provider, List<String> refs) {
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
        return present.stream().filter(recorded::containsKey).findFirst().map(recorded::get);
    }

    /**
     * Whether the purchase's key starts with {@code keyPrefix} and it records an id that none of
     * {@code named} is (a subscription period's own transaction, say, that a refund does not name).
     */
    public boolean recordsOtherIds(String provider, long purchaseId, String keyPrefix, List<String> named) {
        List<String> present =
                named.stream().filter(r -> r != null && !r.isBlank()).toList();
        return jdbc.sql("""
                        select exists (select 1 from billing_purchase_ref r
                                         join billing_purchase p on p.id = r.purchase_id
                                        where r.provider = :provider and r.purchase_id = :id
                                          and starts_with(p.purchase_key, :prefix)
                                          and not (r.ref = any(:named)))""")
                .param("provider", provider)
                .param("id", purchaseId)
                .param("prefix", keyPrefix)
                .param("named", present.toArray(new String[0]))
                .query(Boolean.class)
                .single();
    }
}

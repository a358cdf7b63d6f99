package dev.renderbank.billing.db;

import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of {@code billing_invoice_payment}: the payment ids of a Stripe invoice, kept when its
 * {@code invoice_payment.paid} arrives before the invoice's purchase is recorded.
 */
@Repository
public class InvoicePaymentStore {

    private final JdbcClient jdbc;

    InvoicePaymentStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Serializes the two events that link an invoice to its payment (invoice.paid and
     * invoice_payment.paid) until the transaction ends, so whichever commits second sees what the
     * first recorded.
     */
    public void lock(String provider, String invoiceId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtext(:key))")
                .param("key", provider + ":invoice:" + invoiceId)
                .query((rs, n) -> 1)
                .list();
    }

    public void add(String provider, String invoiceId, List<String> refs) {
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

    public List<String> refs(String provider, String invoiceId) {
        return jdbc.sql("select ref from billing_invoice_payment where provider = :provider and invoice_id = :invoice")
                .param("provider", provider)
                .param("invoice", invoiceId)
                .query(String.class)
                .list();
    }
}

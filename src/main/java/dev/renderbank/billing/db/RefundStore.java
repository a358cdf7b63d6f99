package dev.renderbank.billing.db;

import static dev.renderbank.platform.SqlTime.ts;

import java.sql.Types;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of {@code billing_refund}: each provider refund applied once, with the purchase's refunded total after it. */
@Repository
public class RefundStore {

    private final JdbcClient jdbc;

    RefundStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a refund once; false if this refund was applied before. */
    public boolean insert(String provider, String refundId, long purchaseId, long cumulative, Instant now) {
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

    /**
     * Records a refund stated as its own amount {@code refundMinor} of a charge of {@code chargeMinor}
     * (null: the purchase's own amount) once; false if this refund was applied before.
     */
    public boolean insert(
            String provider,
            String refundId,
            long purchaseId,
            long cumulative,
            long refundMinor,
            Long chargeMinor,
            Instant now) {
        return jdbc.sql("""
                                insert into billing_refund
                                    (provider, refund_id, purchase_id, cumulative, refund_minor, charge_minor, created_at)
                                values (:provider, :id, :purchase, :cumulative, :refund, :charge, :now)
                                on conflict do nothing""")
                        .param("provider", provider)
                        .param("id", refundId)
                        .param("purchase", purchaseId)
                        .param("cumulative", cumulative)
                        .param("refund", refundMinor)
                        .param("charge", chargeMinor, Types.BIGINT)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * What the purchase's recorded refunds, and its disputes that hold funds (open or lost), of a
     * charge of {@code chargeMinor} took back of it, summed: the charge's running total, of which
     * each new refund or dispute is the next step.
     */
    public long takenBackOfCharge(String provider, long purchaseId, long chargeMinor) {
        return jdbc.sql("""
                        select (select coalesce(sum(refund_minor), 0) from billing_refund
                                 where provider = :provider and purchase_id = :purchase and charge_minor = :charge)
                             + (select coalesce(sum(charge_share_minor), 0) from billing_dispute
                                 where provider = :provider and purchase_id = :purchase and charge_minor = :charge
                                   and status in ('OPEN', 'LOST'))""")
                .param("provider", provider)
                .param("purchase", purchaseId)
                .param("charge", chargeMinor)
                .query(Long.class)
                .single();
    }

    /** The purchase's refund movement numbered {@code number} (its id ends in {@code #number}), if any. */
    public Optional<String> movement(String provider, long purchaseId, long number) {
        String suffix = "#" + number;
        return jdbc.sql("""
                        select refund_id from billing_refund
                         where provider = :provider and purchase_id = :purchase and right(refund_id, :n) = :suffix""")
                .param("provider", provider)
                .param("purchase", purchaseId)
                .param("n", suffix.length())
                .param("suffix", suffix)
                .query(String.class)
                .optional();
    }

    /** How many refund movements of the purchase are recorded: the next one's sequence number. */
    public long count(String provider, long purchaseId) {
        return jdbc.sql("select count(*) from billing_refund where provider = :provider and purchase_id = :purchase")
                .param("provider", provider)
                .param("purchase", purchaseId)
                .query(Long.class)
                .single();
    }
}

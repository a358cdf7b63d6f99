package dev.renderbank.billing.db;

import static dev.renderbank.platform.Rows.expectOne;
import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of disputes. A dispute row is written once and then only moves from OPEN to WON or LOST, so
 * what an open dispute took back ({@code clawed}) and its share of the charge ({@code amountMinor})
 * are never overwritten by a closing that raced its opening.
 */
@Repository
public class DisputeStore {

    /** {@code amountMinor}: the share of the charge it disputes (open or lost), in the purchase's amount. */
    public record Dispute(Long purchaseId, String status, long amountMinor, long clawed) {}

    private final JdbcClient jdbc;

    DisputeStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Reads without locking: only to learn which purchase to lock first. */
    public Optional<Dispute> find(String provider, String disputeId) {
        return select(provider, disputeId, "");
    }

    /** Locks the dispute; callers lock its purchase first, so openings and closings queue in one order. */
    public Optional<Dispute> lock(String provider, String disputeId) {
        return select(provider, disputeId, " for update");
    }

    /** Records a dispute once; false if it was recorded meanwhile (the caller's transaction must roll back). */
    public boolean insert(
            String provider,
            String disputeId,
            Long purchaseId,
            String status,
            long amountMinor,
            long clawed,
            Instant now) {
        return jdbc.sql("""
                                insert into billing_dispute (provider, dispute_id, purchase_id, status, amount_minor,
                                                             clawed, created_at)
                                values (:provider, :id, :purchase, :status, :amount, :clawed, :now)
                                on conflict (provider, dispute_id) do nothing""")
                        .param("provider", provider)
                        .param("id", disputeId)
                        .param("purchase", purchaseId)
                        .param("status", status)
                        .param("amount", amountMinor)
                        .param("clawed", clawed)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /** OPEN → WON or LOST; what the dispute took back stays recorded. */
    public void close(String provider, String disputeId, String status) {
        expectOne(
                jdbc.sql("""
                                update billing_dispute set status = :status
                                 where provider = :provider and dispute_id = :id and status = 'OPEN'""")
                        .param("status", status)
                        .param("provider", provider)
                        .param("id", disputeId)
                        .update(),
                "dispute close");
    }

    private Optional<Dispute> select(String provider, String disputeId, String lock) {
        return jdbc.sql("""
                        select purchase_id, status, amount_minor, clawed from billing_dispute
                         where provider = :provider and dispute_id = :id""" + lock)
                .param("provider", provider)
                .param("id", disputeId)
                .query((rs, n) -> new Dispute(
                        (Long) rs.getObject("purchase_id", Long.class),
                        rs.getString("status"),
                        rs.getLong("amount_minor"),
                        rs.getLong("clawed")))
                .optional();
    }
}

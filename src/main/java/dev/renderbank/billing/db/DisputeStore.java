package dev.renderbank.billing.db;

import static dev.renderbank.platform.Rows.expectOne;
import static dev.renderbank.platform.SqlTime.ts;

import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of disputes. A dispute row is written once and then only moves forward: an INQUIRY (no funds
 * moved, nothing taken) to OPEN or LOST when it becomes a chargeback (its share and what it took are
 * written then, once), or to WON or INQUIRY_CLOSED; an OPEN one to WON or LOST. So what a dispute
 * took back ({@code clawed}) and its share of the charge ({@code amountMinor}) are never overwritten
 * by a closing that raced its opening.
 */
@Repository
public class DisputeStore {

    /**
     * {@code amountMinor}: the share of the charge it disputes (open or lost), in the purchase's
     * amount; 0 for an inquiry, which disputes nothing until it becomes a chargeback.
     */
    public record Dispute(Long purchaseId, String status, long amountMinor, long clawed) {}

    private final JdbcClient jdbc;

    DisputeStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Reads without locking: only to learn which purchase to lock first. */
    public Optional<Dispute> find(String provider, String disputeId) {
        return select(provider, disputeId, "");
    }

    /** The providers that recorded a dispute under this id (an operator names a dispute by its id alone). */
    public List<String> providersOf(String disputeId) {
        return jdbc.sql("select provider from billing_dispute where dispute_id = :id order by provider")
                .param("id", disputeId)
                .query(String.class)
                .list();
    }

    /** Locks the dispute; callers lock its purchase first, so openings and closings queue in one order. */
    public Optional<Dispute> lock(String provider, String disputeId) {
        return select(provider, disputeId, " for update");
    }

    /**
     * A dispute's share as the provider states it: {@code shareMinor} of a charge of {@code
     * chargeMinor}; both null when the provider states no charge to measure it against.
     */
    public record OfCharge(Long shareMinor, Long chargeMinor) {

        public static final OfCharge NONE = new OfCharge(null, null);
    }

    /** Records a dispute once; false if it was recorded meanwhile (the caller's transaction must roll back). */
    public boolean insert(
            String provider,
            String disputeId,
            Long purchaseId,
            String status,
            long amountMinor,
            OfCharge ofCharge,
            long clawed,
            Instant now) {
        return jdbc.sql("""
                                insert into billing_dispute (provider, dispute_id, purchase_id, status, amount_minor,
                                                             charge_share_minor, charge_minor, clawed, created_at)
                                values (:provider, :id, :purchase, :status, :amount, :share, :charge, :clawed, :now)
                                on conflict (provider, dispute_id) do nothing""")
                        .param("provider", provider)
                        .param("id", disputeId)
                        .param("purchase", purchaseId)
                        .param("status", status)
                        .param("amount", amountMinor)
                        .param("share", ofCharge.shareMinor(), Types.BIGINT)
                        .param("charge", ofCharge.chargeMinor(), Types.BIGINT)
                        .param("clawed", clawed)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    /**
     * OPEN → WON or LOST (or INQUIRY_CLOSED: an inquiry an older release recorded OPEN); what the
     * dispute took back stays recorded.
     */
    public void close(String provider, String disputeId, String status) {
        move(provider, disputeId, "OPEN", status);
    }

    /** INQUIRY → WON or INQUIRY_CLOSED: it ended without funds moving here, so nothing was taken. */
    public void closeInquiry(String provider, String disputeId, String status) {
        move(provider, disputeId, "INQUIRY", status);
    }

    /**
     * INQUIRY → OPEN or LOST: the inquiry became a chargeback; its share of the charge and what it
     * took back are written now, the only time they are.
     */
    public void escalate(
            String provider, String disputeId, String status, long amountMinor, OfCharge ofCharge, long clawed) {
        expectOne(
                jdbc.sql("""
                                update billing_dispute
                                   set status = :status, amount_minor = :amount, charge_share_minor = :share,
                                       charge_minor = :charge, clawed = :clawed
                                 where provider = :provider and dispute_id = :id and status = 'INQUIRY'""")
                        .param("status", status)
                        .param("amount", amountMinor)
                        .param("share", ofCharge.shareMinor(), Types.BIGINT)
                        .param("charge", ofCharge.chargeMinor(), Types.BIGINT)
                        .param("clawed", clawed)
                        .param("provider", provider)
                        .param("id", disputeId)
                        .update(),
                "dispute escalation");
    }

    private void move(String provider, String disputeId, String from, String to) {
        expectOne(
                jdbc.sql("""
                                update billing_dispute set status = :to
                                 where provider = :provider and dispute_id = :id and status = :from""")
                        .param("to", to)
                        .param("from", from)
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

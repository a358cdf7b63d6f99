package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PaymentEventStore;
import java.util.Optional;

/** Applies one provider's events; runs inside the transaction that marks the event processed. */
public interface EventHandler {

    String provider();

    /**
     * What the provider's API says of the event before its transaction opens: an event it shows is
     * not this application's is finished {@link Outcome.Ignored} with the reason, without {@link
     * #handle}; empty hands it to {@link #handle}. Runs with no transaction open and no connection
     * held while the provider is asked (its database reads are single statements), because a slow
     * provider would otherwise keep a pooled connection, a transaction and the event's row lock for
     * the whole call. Throws when the provider cannot be asked: the attempt is recorded as failed and
     * retried. Whatever it reads of the database may change before the transaction, so only a
     * verdict that later events cannot change (whose checkout or subscription a charge is) is decided here.
     */
    default Optional<Outcome.Ignored> screen(PaymentEventStore.Stored event) {
        return Optional.empty();
    }

    /**
     * For a refund measured by the charge's refunded total ({@link RefundTotals}) of a purchase
     * recorded here, that total as the provider reports it, asked when {@link #screen} has no verdict,
     * under the same rules (no transaction, no connection held while the provider answers; throws
     * when it cannot be asked). Handed to {@link #handle(PaymentEventStore.Stored, Optional)}, which
     * applies it only if no other refund movement of the purchase was recorded since it was asked.
     */
    default Optional<RefundTotals.Asked> askRefundTotal(PaymentEventStore.Stored event) {
        return Optional.empty();
    }

    Outcome handle(PaymentEventStore.Stored event);

    /** {@link #handle(PaymentEventStore.Stored)} with what {@link #askRefundTotal} asked before the transaction. */
    default Outcome handle(PaymentEventStore.Stored event, Optional<RefundTotals.Asked> refundTotal) {
        return handle(event);
    }
}

package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PaymentEventStore;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

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

    /**
     * An object the event names by id only and its handling needs (a Creem {@code subscription.paid}
     * naming its transaction by {@code last_transaction_id} alone), read from the provider's API when
     * {@link #screen} has no verdict, under the same rules (no transaction, no connection held while the
     * provider answers; throws when it cannot be asked, so the event is retried and nothing is decided
     * on a guess). Empty when the event needs none, or the provider has no such object. Handed to
     * {@link #handle(PaymentEventStore.Stored, Screened)}.
     */
    default Optional<JsonNode> fetchNamed(PaymentEventStore.Stored event) {
        return Optional.empty();
    }

    Outcome handle(PaymentEventStore.Stored event);

    /** {@link #handle(PaymentEventStore.Stored)} with what {@link #askRefundTotal} asked before the transaction. */
    default Outcome handle(PaymentEventStore.Stored event, Optional<RefundTotals.Asked> refundTotal) {
        return handle(event);
    }

    /** The event with all that was asked of the provider before the transaction ({@link Screened}). */
    default Outcome handle(PaymentEventStore.Stored event, Screened screened) {
        return handle(event, screened.refundTotal());
    }
}

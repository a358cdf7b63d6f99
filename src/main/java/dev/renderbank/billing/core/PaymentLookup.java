package dev.renderbank.billing.core;

import dev.renderbank.billing.ProviderDispute;
import dev.renderbank.billing.ProviderObject;
import dev.renderbank.billing.ProviderPayment;
import dev.renderbank.billing.ProviderRefund;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A payment provider's API read back for reconciliation: what it says was paid, and one object
 * fetched again as the event its webhook would have carried. Calls are remote: never in a transaction.
 */
public interface PaymentLookup {

    /**
     * An object fetched from the provider, wrapped as the webhook event that reports it. The event id
     * is the repair's own ({@code reconcile:…}); what makes a repair and the late webhook record the
     * object once is the key its processing records it under (purchase key, refund key, dispute id).
     */
    record AsEvent(String eventId, String type, String payload, ProviderObject object, List<AsEvent> first) {

        /** The events fed before this one (a Creem plan's {@code checkout.completed} before its {@code subscription.paid}). */
        public AsEvent {
            first = List.copyOf(first);
        }

        public AsEvent(String eventId, String type, String payload, ProviderObject object) {
            this(eventId, type, payload, object, List.of());
        }
    }

    /** What a run read: the payments, and what the provider could not be asked about (why), not passed silently. */
    record Read(
            List<ProviderPayment> payments,
            List<ProviderRefund> refunds,
            List<ProviderDispute> disputes,
            List<String> notChecked) {}

    String provider();

    /** Why this provider cannot be asked (no API key), empty if it can. */
    Optional<String> unavailable();

    /** Paid objects created at or after {@code from} that record a purchase at their webhook (checkouts, subscription periods). */
    List<ProviderPayment> paidSince(Instant from);

    /** {@link #paidSince}, with what could not be compared; a provider read object by object overrides it. */
    default Read read(Instant from) {
        return new Read(paidSince(from), List.of(), List.of(), List.of());
    }

    /** Charges refunded at or after {@code from}, with their total refunded so far; none if not read. */
    default List<ProviderRefund> refundsSince(Instant from) {
        return List.of();
    }

    /** Disputes created at or after {@code from}, with the state our records should show; none if not read. */
    default List<ProviderDispute> disputesSince(Instant from) {
        return List.of();
    }

    /**
     * The object {@code objectId} of {@code kind} (a finding's subject: a paid checkout or invoice, a
     * refunded charge, a dispute), empty if the provider has no such object in a state to record.
     */
    Optional<AsEvent> fetch(String kind, String objectId);
}

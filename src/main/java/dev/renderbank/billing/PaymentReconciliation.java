package dev.renderbank.billing;

import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.PaymentLookup;
import dev.renderbank.billing.core.WebhookIntake;
import dev.renderbank.billing.db.DisputeStore;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.billing.db.PurchaseChargeStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Service;

/**
 * The payment providers' own records against ours: payments the provider reports paid that no
 * purchase records (a webhook that never arrived or failed its signature), refunds and disputes our
 * purchases do not reflect, and their repair. A repair fetches the provider's object ({@link #fetch},
 * provider calls, outside transactions) and then stores it as the event its webhook carries, processed
 * by the normal event processing in the caller's transaction ({@link #feed}), so the operator's audit
 * record commits with it or nothing is recorded: the same purchase key, refund key or dispute id as its
 * webhook's, so a late webhook records nothing more, and receipts, referral rewards and claw-backs
 * follow as for any event.
 */
@Service
public class PaymentReconciliation {

    /**
     * What the providers report unrecorded: payments without a purchase, refunds a purchase here does
     * not reflect ({@code refunds}); {@code skipped} says which could not be asked, and why.
     */
    public record Checked(
            List<ProviderPayment> unrecorded,
            List<RefundNotRecorded> refunds,
            List<DisputeNotRecorded> disputes,
            List<String> skipped) {}

    /** A provider's dispute on a purchase here that is not recorded ({@code recorded} null) or in another state. */
    public record DisputeNotRecorded(ProviderDispute dispute, String purchaseKey, String recorded) {}

    /** A provider's refund larger than the purchase it names records here. */
    public record RefundNotRecorded(ProviderRefund refund, String purchaseKey, long refundedHereMinor) {}

    /** The outcome of feeding a provider's object through event processing. */
    public sealed interface Replay {

        /**
         * Stored and processed as an event; {@code recordedBefore}/{@code recordedAfter}: whether our
         * records reflect it. For a refund, also when its processing moved the purchase's refunded
         * total: its event asks the provider for the charge's total again and records that, which may
         * be newer than {@code object}; {@code refundedHereMinor} is what the purchase records now
         * (null for other objects). {@code error}: the stored event's state and what its processing
         * noted (the failure, or why it was ignored), for an operator told it was not recorded.
         */
        record Fed(
                long eventRowId,
                String status,
                boolean recordedBefore,
                boolean recordedAfter,
                ProviderObject object,
                Long refundedHereMinor,
                String error)
                implements Replay {}

        /**
         * The provider's object fetched and screened (outside any transaction), to be stored and
         * processed in the caller's transaction by {@link PaymentReconciliation#feed}.
         */
        final class Fetched implements Replay {
            private final ProviderObject object;
            private final List<WebhookIntake.Fetched> events;
            private final boolean recordedBefore;
            private final Optional<Long> refundedBefore;

            Fetched(
                    ProviderObject object,
                    List<WebhookIntake.Fetched> events,
                    boolean recordedBefore,
                    Optional<Long> refundedBefore) {
                this.object = object;
                this.events = events;
                this.recordedBefore = recordedBefore;
                this.refundedBefore = refundedBefore;
            }

            public ProviderObject object() {
                return object;
            }
        }

        /** The provider has no such object in a state to record (not paid, nothing refunded). */
        record NotPaid(String message) implements Replay {}

        /** The provider could not be asked. */
        record Failed(String message) implements Replay {}
    }

    private final Map<String, PaymentLookup> lookups;
    private final PurchaseChargeStore purchases;
    private final DisputeStore disputes;
    private final WebhookIntake intake;
    private final PaymentEventStore events;

    PaymentReconciliation(
            List<PaymentLookup> lookups,
            PurchaseChargeStore purchases,
            DisputeStore disputes,
            WebhookIntake intake,
            PaymentEventStore events) {
        this.events = events;
        this.disputes = disputes;
        this.lookups = lookups.stream().collect(Collectors.toMap(PaymentLookup::provider, Function.identity()));
        this.purchases = purchases;
        this.intake = intake;
    }

    public Checked unrecordedSince(Instant from) {
        List<ProviderPayment> unrecorded = new ArrayList<>();
        List<RefundNotRecorded> refunds = new ArrayList<>();
        List<DisputeNotRecorded> disputeDiffs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (PaymentLookup lookup : lookups.values()) {
            Optional<String> why = lookup.unavailable();
            if (why.isPresent()) {
                skipped.add(lookup.provider() + ": " + why.get());
                continue;
            }
            try {
                PaymentLookup.Read read = lookup.read(from);
                read.payments().stream().filter(p -> !recorded(p)).forEach(unrecorded::add);
                read.notChecked().forEach(note -> skipped.add(lookup.provider() + ": " + note));
                for (ProviderRefund r : concat(read.refunds(), lookup.refundsSince(from))) {
                    purchases
                            .refundedByRefs(r.provider(), r.refs())
                            .filter(here -> !r.recordedAs(here.refundedMinor()))
                            .ifPresent(here ->
                                    refunds.add(new RefundNotRecorded(r, here.purchaseKey(), here.refundedMinor())));
                }
                for (ProviderDispute d : concat(read.disputes(), lookup.disputesSince(from))) {
                    if (!recorded(d)) {
                        String status = disputeStatus(d);
                        purchases
                                .refundedByRefs(d.provider(), d.refs())
                                .ifPresent(here ->
                                        disputeDiffs.add(new DisputeNotRecorded(d, here.purchaseKey(), status)));
                    }
                }
            } catch (Unavailable e) {
                skipped.add(lookup.provider() + ": " + e.getMessage());
            }
        }
        return new Checked(unrecorded, refunds, disputeDiffs, skipped);
    }

    private static <T> List<T> concat(List<T> read, List<T> listed) {
        List<T> all = new ArrayList<>(read);
        all.addAll(listed);
        return all;
    }

    /**
     * Fetches the provider's object a finding names and screens it as its webhook's event (and the
     * events that must come first: a Creem plan's checkout before its period), all outside any
     * transaction; nothing is stored. {@link Replay.NotPaid}, {@link Replay.Failed} or {@link
     * Replay.Fetched}.
     */
    public Replay fetch(String provider, String kind, String objectId) {
        PaymentLookup lookup = lookups.get(provider);
        if (lookup == null || lookup.unavailable().isPresent()) {
            return new Replay.Failed("payment provider " + provider + " cannot be asked");
        }
        Optional<PaymentLookup.AsEvent> fetched;
        try {
            fetched = lookup.fetch(kind, objectId);
        } catch (Unavailable e) {
            return new Replay.Failed(e.getMessage());
        }
        if (fetched.isEmpty()) {
            return new Replay.NotPaid(provider + " reports no " + kind + " " + objectId + " to record");
        }
        PaymentLookup.AsEvent e = fetched.get();
        List<WebhookIntake.Fetched> events = new ArrayList<>();
        for (PaymentLookup.AsEvent first : e.first()) {
            events.add(intake.screenFetched(provider, first.eventId(), first.type(), first.payload()));
        }
        events.add(intake.screenFetched(provider, e.eventId(), e.type(), e.payload()));
        return new Replay.Fetched(e.object(), events, recorded(e.object()), refundedHere(e.object()));
    }

    /**
     * Stores the fetched object's events and processes them, in the caller's transaction (a new one if
     * there is none): what they grant or take back commits with the caller's other writes (an
     * operator's audit record) or not at all. A failed processing is recorded on its event in that
     * transaction too ({@code error}).
     */
    public Replay.Fed feed(Replay.Fetched f) {
        WebhookIntake.Receipt receipt = null;
        for (WebhookIntake.Fetched event : f.events) {
            receipt = intake.receiveJoined(event);
        }
        String error = outcome(receipt.eventId());
        if (f.object instanceof ProviderRefund r) {
            // Its event asked the provider again and recorded that total, which may be newer than r's:
            // a total it moved is recorded as well as one that matches r.
            Optional<Long> here = refundedHere(r);
            boolean moved = "processed".equals(receipt.status()) && !here.equals(f.refundedBefore);
            boolean after = moved || here.map(r::recordedAs).orElse(false);
            return new Replay.Fed(
                    receipt.eventId(), receipt.status(), f.recordedBefore, after, r, here.orElse(null), error);
        }
        return new Replay.Fed(
                receipt.eventId(), receipt.status(), f.recordedBefore, recorded(f.object), f.object, null, error);
    }

    /** The stored event's state and what its processing noted (its error, or why it was ignored). */
    private String outcome(long eventRowId) {
        return events.list(null, eventRowId + 1, 1).stream()
                .filter(ev -> ev.id() == eventRowId)
                .map(ev -> ev.status() + (ev.lastError() == null ? "" : ": " + ev.lastError()))
                .findFirst()
                .orElse("not stored");
    }

    /** The refunded total the purchase a provider's refund names records; empty for other objects. */
    private Optional<Long> refundedHere(ProviderObject o) {
        return o instanceof ProviderRefund r
                ? purchases.refundedByRefs(r.provider(), r.refs()).map(PurchaseChargeStore.RefundedHere::refundedMinor)
                : Optional.empty();
    }

    /**
     * Whether our records reflect the provider's object: a payment's purchase exists, a charge's
     * refunded total is recorded on the purchase it names, a dispute is recorded in the provider's state.
     */
    private boolean recorded(ProviderObject o) {
        if (o instanceof ProviderPayment p) {
            return purchases.exists(p.purchaseKey());
        }
        if (o instanceof ProviderRefund r) {
            return purchases
                    .refundedByRefs(r.provider(), r.refs())
                    .map(here -> r.recordedAs(here.refundedMinor()))
                    .orElse(false);
        }
        ProviderDispute d = (ProviderDispute) o;
        String here = disputeStatus(d);
        // Before inquiries were told apart (V2026_12_04_0101) an open inquiry was recorded OPEN, its
        // share taken; its closing gives that back. Nothing a repair could change, so not a finding.
        return d.expectedStatus().equals(here) || ("INQUIRY".equals(d.expectedStatus()) && "OPEN".equals(here));
    }

    private String disputeStatus(ProviderDispute d) {
        return disputes.find(d.provider(), d.disputeId())
                .map(DisputeStore.Dispute::status)
                .orElse(null);
    }
}

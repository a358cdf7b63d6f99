package dev.renderbank.billing;

import java.util.List;

/**
 * A dispute as the payment provider's API reports it: {@code expectedStatus} is the state our records
 * should show for it ({@code INQUIRY}, {@code INQUIRY_CLOSED}, {@code OPEN}, {@code WON}, {@code LOST}), {@code refs} the ids a purchase here may
 * be known by (charge, payment intent), {@code raw} the provider's object (JSON) as evidence.
 */
public record ProviderDispute(
        String provider, String disputeId, String expectedStatus, List<String> refs, String raw, boolean replayable)
        implements ProviderObject {

    /** A dispute that can be fed again as the event its webhook carries ({@code replayable}: not for Creem). */
    public ProviderDispute(String provider, String disputeId, String expectedStatus, List<String> refs, String raw) {
        this(provider, disputeId, expectedStatus, refs, raw, true);
    }
}

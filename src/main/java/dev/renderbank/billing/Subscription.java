package dev.renderbank.billing;

import java.time.Instant;

/**
 * A user's subscription at a payment provider. {@code status} is the provider's word (active,
 * canceled, paused, expired …); {@code periodEnd} the end of its latest paid period; {@code endsAt}
 * when the subscription ends (no renewal after it; set by a cancellation, or by the provider's
 * deletion at once, {@code endedAtOnce}). What is already paid for and still to come may run past
 * {@code endsAt}: a yearly period paid with money grants each of its months (credits follow money), so
 * {@code monthlyCredits} (a month of the latest period), {@code creditsToCome} (the credits of its
 * months not granted yet, after refunds and disputes), {@code nextCreditsAt} and {@code lastCreditsAt}
 * (when the next and the last of those months start; null when none is to come) say what the user
 * keeps getting and until when.
 */
public record Subscription(
        String provider,
        String id,
        long userId,
        String product,
        String status,
        Instant periodEnd,
        Instant endsAt,
        boolean endedAtOnce,
        long monthlyCredits,
        long creditsToCome,
        Instant nextCreditsAt,
        Instant lastCreditsAt) {}

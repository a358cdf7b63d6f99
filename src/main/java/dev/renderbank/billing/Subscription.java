package dev.renderbank.billing;

import java.time.Instant;

/**
 * A user's subscription at a payment provider. {@code status} is the provider's word (active,
 * canceled, paused, expired …); {@code endsAt} is when grants stop (set by a cancellation).
 */
public record Subscription(
        String provider, String id, long userId, String product, String status, Instant periodEnd, Instant endsAt) {}

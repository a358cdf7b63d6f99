package dev.renderbank.provider;

import java.time.Duration;
import java.time.Instant;

/**
 * What the balance checks know: the provider's credits at the last check that read them ({@code
 * credits} and {@code readAt}, null if none ever did) and, while the checks fail, since when ({@code
 * failingSince}) and what the last one got ({@code lastError}); both null while the last check read the
 * balance.
 */
public record BalanceReading(Long credits, Instant readAt, Instant failingSince, String lastError) {

    public boolean failing() {
        return failingSince != null;
    }

    /** How long ago the balance was read; null if never. */
    public Duration age(Instant now) {
        return readAt == null
                ? null
                : Duration.between(readAt, now).isNegative() ? Duration.ZERO : Duration.between(readAt, now);
    }
}

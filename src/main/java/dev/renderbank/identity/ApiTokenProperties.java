package dev.renderbank.identity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on self-service API tokens: how many live (unrevoked, unexpired) tokens a user may hold, how
 * many a user may create in 24 hours, and how far in the future an expiry may lie. The live cap keeps
 * a compromised session from minting an unbounded number of credentials; the creation cap keeps a
 * session looping create-and-revoke (or create with an expiry a second away, which the live cap
 * does not count for long) from writing rows without end; the lifetime keeps "forever" an explicit
 * choice (no expiry).
 */
@ConfigurationProperties("renderbank.tokens")
public record ApiTokenProperties(
        @DefaultValue("20") int maxPerUser,
        @DefaultValue("365d") Duration maxLifetime,
        @DefaultValue("50") int maxCreatedPerDay) {

    public ApiTokenProperties {
        if (maxPerUser < 1) {
            throw new IllegalArgumentException("renderbank.tokens.max-per-user must be at least 1");
        }
        if (maxCreatedPerDay < 1) {
            throw new IllegalArgumentException("renderbank.tokens.max-created-per-day must be at least 1");
        }
        if (maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("renderbank.tokens.max-lifetime must be positive");
        }
    }
}

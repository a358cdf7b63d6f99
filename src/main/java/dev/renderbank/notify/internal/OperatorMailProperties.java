package dev.renderbank.notify.internal;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.ops.*} as far as email goes: where operator alerts are mailed and how often.
 *
 * @param email the operators' address (one address, checked at start); unset: alerts are only logged
 *     and listed, never mailed
 * @param alertEmailInterval at most one email per alert kind per window of this length, so a
 *     flapping alert does not flood the inbox (the rest are in the alert records)
 * @param alertEmailMaxAge alerts older than this when first seen (e.g. recorded before an upgrade
 *     that added alert emails) are not mailed
 */
@Validated
@ConfigurationProperties("renderbank.ops")
public record OperatorMailProperties(
        String email,
        @DefaultValue("30m") @NotNull Duration alertEmailInterval,
        @DefaultValue("1h") @NotNull Duration alertEmailMaxAge) {

    public OperatorMailProperties {
        if (email != null && email.isBlank()) {
            email = null;
        }
        if (email != null) {
            // a list or a missing bracket failed every alert email, and each failure raised another
            MailAddresses.requireOne("renderbank.ops.email", email);
        }
        if (alertEmailInterval != null && alertEmailInterval.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("renderbank.ops.alert-email-interval must be at least 1m");
        }
        if (alertEmailMaxAge != null && (alertEmailMaxAge.isNegative() || alertEmailMaxAge.isZero())) {
            // every alert would be too old to email
            throw new IllegalArgumentException(
                    "renderbank.ops.alert-email-max-age must be positive (was " + alertEmailMaxAge + ")");
        }
    }
}

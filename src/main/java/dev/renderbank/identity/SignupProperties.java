package dev.renderbank.identity;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.signup.*}: self-service sign-up.
 *
 * @param enabled false closes the form (the page says so; posts are refused)
 * @param verificationLinkLifetime how long an emailed verification link works
 * @param resetLinkLifetime how long an emailed password-reset link works
 */
@Validated
@ConfigurationProperties("renderbank.signup")
public record SignupProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("24h") @NotNull Duration verificationLinkLifetime,
        @DefaultValue("1h") @NotNull Duration resetLinkLifetime) {

    /** A zero or negative lifetime emails links that have already expired. */
    public SignupProperties {
        positive(verificationLinkLifetime, "verification-link-lifetime");
        positive(resetLinkLifetime, "reset-link-lifetime");
    }

    private static void positive(Duration d, String key) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("renderbank.signup." + key + " must be positive (was " + d + ")");
        }
    }
}

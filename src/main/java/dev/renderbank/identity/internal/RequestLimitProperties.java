package dev.renderbank.identity.internal;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.request-limits.*}: how often sign-up, "resend the verification email" and
 * "forgot password" may be asked for, each counted on its own.
 *
 * @param perAddress requests naming one email address per window
 * @param perClient requests from one client address per window
 * @param window the window
 */
@Validated
@ConfigurationProperties("renderbank.request-limits")
public record RequestLimitProperties(
        @DefaultValue("5") @Min(1) int perAddress,
        @DefaultValue("20") @Min(1) int perClient,
        @DefaultValue("1h") @NotNull Duration window) {

    /** A zero window counts nothing: no limit at all. */
    public RequestLimitProperties {
        if (window != null && (window.isNegative() || window.isZero())) {
            throw new IllegalArgumentException(
                    "renderbank.request-limits.window must be positive (was " + window + ")");
        }
    }
}

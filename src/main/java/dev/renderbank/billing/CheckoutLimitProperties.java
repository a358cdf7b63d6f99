package dev.renderbank.billing;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.payments.checkout-limit.*}: how many checkouts one user may start per window
 * (each calls the payment provider). Counted in the database, so it holds across nodes.
 *
 * @param maxCalls checkouts per user per window; {@code 0} disables the limit
 * @param window the window, at least one second
 */
@Validated
@ConfigurationProperties("renderbank.payments.checkout-limit")
public record CheckoutLimitProperties(
        @DefaultValue("10") @PositiveOrZero int maxCalls,
        @DefaultValue("1m") @NotNull Duration window) {

    public CheckoutLimitProperties {
        if (window != null && window.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("renderbank.payments.checkout-limit.window must be at least 1s");
        }
    }

    boolean enabled() {
        return maxCalls > 0;
    }
}

package dev.renderbank.ops.reconcile;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code renderbank.ops.reconcile.*}: how often the scheduled run happens ({@code interval}), how far
 * back the payment providers' and the generation provider's records are read ({@code window}), how
 * old a row must be before a difference counts ({@code settle}: a job and its hold change in separate
 * steps), and how many finished jobs of the window are asked about at the provider ({@code sample}).
 */
@Validated
@ConfigurationProperties("renderbank.ops.reconcile")
public record ReconcileProperties(
        @DefaultValue("true") boolean scheduled,
        @DefaultValue("1d") @NotNull Duration interval,
        @DefaultValue("2d") @NotNull Duration window,
        @DefaultValue("10m") @NotNull Duration settle,
        @DefaultValue("20") int sample) {

    public ReconcileProperties {
        if (interval.isNegative() || interval.isZero() || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("renderbank.ops.reconcile.interval and .window must be positive");
        }
        if (settle.isNegative() || sample < 0) {
            throw new IllegalArgumentException("renderbank.ops.reconcile.settle and .sample must not be negative");
        }
    }
}

package dev.renderbank.ops;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on what one operator may grant: {@code maxGrant} per grant, {@code maxGrantPerDay} per
 * operator per UTC day (a mistyped amount or a stolen admin session cannot mint unbounded credits);
 * and when a job counts as stuck ({@code stuck}).
 */
@Validated
@ConfigurationProperties("renderbank.ops")
public record OpsProperties(
        @DefaultValue("10000") @Positive long maxGrant,
        @DefaultValue("50000") @Positive long maxGrantPerDay,
        @DefaultValue @Valid Stuck stuck) {

    /**
     * A daily cap below the single-grant cap would make every grant between the two impossible
     * (refused as over the day's limit before anyone granted anything): refused at start.
     */
    public OpsProperties {
        if (maxGrantPerDay < maxGrant) {
            throw new IllegalArgumentException("renderbank.ops.max-grant-per-day (" + maxGrantPerDay
                    + ") must be at least renderbank.ops.max-grant (" + maxGrant
                    + "): a single grant may not exceed the daily limit");
        }
    }

    /**
     * A live job is stuck when it was accepted longer than {@code overdue} ago (past any expected
     * duration: deadlines are 15 min for images, 45 for video by default) or when it is at the
     * provider and nothing changed for {@code quiet} (no provider contact: no callback, no poll answer).
     */
    public record Stuck(
            @DefaultValue("30m") Duration overdue,
            @DefaultValue("10m") Duration quiet) {

        public Stuck {
            if (overdue.isNegative() || overdue.isZero() || quiet.isNegative() || quiet.isZero()) {
                throw new IllegalArgumentException("renderbank.ops.stuck.overdue and .quiet must be positive");
            }
        }
    }
}

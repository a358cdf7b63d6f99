package dev.renderbank.ops;

import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Limits on what one operator may grant: {@code maxGrant} per grant, {@code maxGrantPerDay} per
 * operator per UTC day (a mistyped amount or a stolen admin session cannot mint unbounded credits).
 */
@Validated
@ConfigurationProperties("renderbank.ops")
public record OpsProperties(
        @DefaultValue("10000") @Positive long maxGrant,
        @DefaultValue("50000") @Positive long maxGrantPerDay) {}

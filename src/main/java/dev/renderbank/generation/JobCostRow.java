package dev.renderbank.generation;

import java.time.LocalDate;

/**
 * Jobs of one model and one option combination accepted on one UTC day, for the margins page:
 * {@code providerPaid} were accepted by the provider (it charged for them, whether they then
 * succeeded or failed), {@code failedAfterPaid} of those failed, {@code creditsCharged} is what the
 * users paid for them.
 */
public record JobCostRow(
        LocalDate day,
        String model,
        String resolution,
        Integer durationSeconds,
        long providerPaid,
        long failedAfterPaid,
        long creditsCharged) {}

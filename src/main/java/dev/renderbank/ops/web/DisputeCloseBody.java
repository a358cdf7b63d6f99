package dev.renderbank.ops.web;

import dev.renderbank.ops.PaymentActions;
import dev.renderbank.platform.InvalidFieldException;
import io.swagger.v3.oas.annotations.media.Schema;

/** The body of closing a Creem dispute: how it ended at Creem, and why the operator says so. */
record DisputeCloseBody(
        @Schema(
                description = "How the dispute ended: won (the merchant kept the money) or lost",
                allowableValues = {"won", "lost"},
                requiredMode = Schema.RequiredMode.REQUIRED)
        String outcome,

        @Schema(
                description =
                        "Why the operator acts (say where the outcome was read); required, at most 1000 characters",
                requiredMode = Schema.RequiredMode.REQUIRED)
        String reason) {

    /** True for won, false for lost ({@link PaymentActions#wonOrLost}); anything else is a 400 naming the field. */
    static boolean won(String outcome) {
        return PaymentActions.wonOrLost(outcome)
                .orElseThrow(() -> new InvalidFieldException("outcome", "must be won or lost"));
    }
}

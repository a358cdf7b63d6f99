package dev.renderbank.ops.web;

import dev.renderbank.ops.OperatorAction;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * An operator action as the admin API answers it (every action route, the audit list and a user's
 * history): the audit record, plus whether this answer repeats an earlier one with the same key.
 */
@Schema(description = "One audited operator action")
record ActionRecord(
        long id,

        @Schema(description = "The operator's email (or the command line's --actor)")
        String actor,

        @Schema(description = "What was done, e.g. grant, waive-debt, suspend, job-fail, switch")
        String action,

        @Schema(description = "What it was done to, e.g. user:42, job:<taskId>, switch:sales")
        String target,

        String reason,

        @Schema(description = "Credits moved; null for actions that move none")
        Long amount,

        @Schema(description = "The state before, as JSON text; null until the action completed")
        String before,

        @Schema(description = "The state after, as JSON text; null until the action completed")
        String after,

        String idempotencyKey,
        @Schema(description = "UTC, ISO-8601") String createdAt,

        @Schema(
                description =
                        "true when this answer repeats the action first done with the same key (nothing was done again)")
        boolean repeated) {

    static ActionRecord of(OperatorAction a, boolean repeated) {
        return new ActionRecord(
                a.id(),
                a.actor(),
                a.action(),
                a.target(),
                a.reason(),
                a.amount(),
                a.before(),
                a.after(),
                a.idempotencyKey(),
                a.createdAt().toString(),
                repeated);
    }
}

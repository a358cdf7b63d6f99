package dev.renderbank.ops.web;

import dev.renderbank.generation.JobView;
import dev.renderbank.ledger.Hold;
import dev.renderbank.ledger.LedgerEntry;
import dev.renderbank.ops.JobDossier;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/admin/jobs/{taskId}}: one job as operators see it. Its prompt and options are
 * its owner's (their status API and export): not here, as not in the user dossier.
 */
@Schema(description = "One job as operators see it (without its prompt and options)")
record AdminJobView(
        String taskId,

        @Schema(description = "The provider's task id; null until the provider accepted the job")
        String providerTaskId,

        Owner owner,
        @Schema(description = "image or video") String type,
        String model,

        @Schema(description = "RESERVED, SUBMITTED, RUNNING, UNKNOWN, SUCCEEDED or FAILED")
        String state,

        int progress,

        @Schema(description = "Credits the job costs: held while it runs, charged when it succeeds")
        long price,

        @Schema(description = "Credits charged (captured)") long charged,

        @Schema(description = "Credits still held: the price while it runs, 0 once it ended")
        long held,

        @Schema(description = "The job's hold (keyed by the task id) and its state; null if it never held credits")
        Hold hold,

        @Schema(
                description =
                        "Ledger entries under the hold's key, oldest first: HOLD, then CAPTURE, RELEASE or EXPIRE")
        List<LedgerEntry> entries,

        Instant createdAt,

        @Schema(description = "When the provider accepted it; null before")
        Instant submittedAt,

        @Schema(description = "When it succeeded or failed; null while it runs")
        Instant completedAt,

        Instant deadlineAt,

        @Schema(description = "Why it failed (code, and the message its owner is shown); null unless FAILED")
        Failure failure,

        LateResult lateResult,

        @Schema(description = "The stored output; null while there is none")
        Asset asset,

        @Schema(description = "Operator actions on this job (check, fail), newest first")
        List<ActionRecord> actions) {

    @Schema(description = "The job's owner; an account its owner deleted shows its erased row")
    record Owner(long id, String email, boolean deleted) {}

    record Failure(String code, String message) {}

    @Schema(
            description = "A result after the job failed: status delivered (it came, free), awaited (it may still"
                    + " come until `until`), ended (no longer awaited) or none")
    record LateResult(String status, Instant until) {}

    @Schema(description = "deleted: its owner deleted the output (the job and its charge stay)")
    record Asset(String id, boolean deleted) {}

    static AdminJobView of(JobDossier d) {
        JobView j = d.job();
        return new AdminJobView(
                j.id(),
                d.found().providerTaskId(),
                new Owner(j.userId(), d.owner() == null ? null : d.owner().email(), d.ownerDeleted()),
                j.type().name().toLowerCase(java.util.Locale.ROOT),
                j.model(),
                j.state().name(),
                j.progress(),
                j.price(),
                j.creditsCharged(),
                j.creditsHeld(),
                d.hold(),
                d.entries(),
                j.createdAt(),
                d.found().submittedAt(),
                j.completedAt(),
                j.deadlineAt(),
                j.errorCode() == null && j.errorMessage() == null ? null : new Failure(j.errorCode(), j.errorMessage()),
                new LateResult(d.lateResult(), j.lateResultUntil()),
                j.assetId() == null && !j.assetDeleted() ? null : new Asset(j.assetId(), j.assetDeleted()),
                d.actions().stream().map(a -> ActionRecord.of(a, false)).toList());
    }
}

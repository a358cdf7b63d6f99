package dev.renderbank.generation.web;

import dev.renderbank.generation.CancelOutcome;
import dev.renderbank.generation.FailureCodes;
import dev.renderbank.generation.JobView;
import dev.renderbank.platform.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * A cancel's outcome as the API answers it: 200 with the job when it is cancelled (by this request or
 * by its owner's earlier one: a repeat gets the first answer), 409 {@code not-cancellable} whose
 * detail says what the job is now, 404 for no job of the caller's.
 */
final class CancelAnswers {

    private CancelAnswers() {}

    static ResponseEntity<?> of(CancelOutcome outcome, String taskId) {
        if (outcome instanceof CancelOutcome.Cancelled c) {
            return ResponseEntity.ok(JobJson.of(c.job()));
        }
        if (outcome instanceof CancelOutcome.TooLate t) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(Problems.of(HttpStatus.CONFLICT, "not-cancellable", "Cannot cancel", whyNot(t.job())));
        }
        if (outcome instanceof CancelOutcome.NotFound) {
            return GenerationController.notFound(taskId);
        }
        throw new IllegalStateException("unexpected cancel outcome " + outcome);
    }

    /** The job's state in words, for a user who asked to cancel it. */
    static String whyNot(JobView job) {
        String runsOn = ", which cannot cancel it: it runs to its end, and its " + credits(job.price())
                + " are charged only if it succeeds.";
        return switch (job.state()) {
            // still RESERVED after losing the cancel's compare-and-set: its one submit has started
            case RESERVED -> "This generation is already being sent to the provider" + runsOn;
            case SUBMITTED, RUNNING, UNKNOWN -> "This generation is already at the provider" + runsOn;
            case SUCCEEDED ->
                "This generation already completed; it was charged " + credits(job.creditsCharged()) + ".";
            case FAILED ->
                job.lateDelivery()
                        ? "This generation already ended: it failed (" + FailureCodes.inWords(job.errorCode())
                                + "), then its result arrived; the result is yours, free of charge."
                        : "This generation already failed (" + FailureCodes.inWords(job.errorCode())
                                + "); it was not charged.";
        };
    }

    private static String credits(long n) {
        return n == 1 ? "1 credit" : n + " credits";
    }
}

package dev.renderbank.generation.web;

import dev.renderbank.generation.AcceptOutcome;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.JobView;
import dev.renderbank.platform.Problems;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** How an accept outcome (a generate request's, or a retry's) is answered over HTTP. */
final class AcceptAnswers {

    private AcceptAnswers() {}

    /** The HTTP answer to an accept outcome (also a retry's): 202, or the refusal as problem+json. */
    static ResponseEntity<?> of(AcceptOutcome outcome) {
        if (outcome instanceof AcceptOutcome.Accepted a) {
            return accepted(a.job(), a.repeated());
        }
        if (outcome instanceof AcceptOutcome.Invalid i) {
            HttpStatus s = i.unprocessable() ? HttpStatus.UNPROCESSABLE_CONTENT : HttpStatus.BAD_REQUEST;
            ProblemDetail p = Problems.of(s, "invalid-request", "Invalid request", i.field() + " " + i.message());
            return ResponseEntity.status(s).body(Problems.withFieldError(p, i.field(), i.message()));
        }
        if (outcome instanceof AcceptOutcome.ProviderUnavailable u) {
            return withRetryAfter(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "provider-unavailable",
                    "Generation temporarily unavailable",
                    u.reason() + " Please try again later.",
                    u.retryAfter());
        }
        if (outcome instanceof AcceptOutcome.Paused p) {
            return withRetryAfter(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "generation-paused",
                    "Generation paused",
                    p.message() == null || p.message().isBlank()
                            ? "New generations are paused by the operators. Nothing was held; please try again later."
                            : p.message(),
                    p.retryAfter());
        }
        if (outcome instanceof AcceptOutcome.ReferenceChecksBusy b) {
            return withRetryAfter(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "reference-checks-busy",
                    "Too many reference images being checked",
                    "Too many requests' reference images are being checked right now; nothing was held."
                            + " Please try again in " + human(b.retryAfter()) + ".",
                    b.retryAfter());
        }
        if (outcome instanceof AcceptOutcome.CoolingDown c) {
            return withRetryAfter(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "cooldown",
                    "Too many requests",
                    "Please wait " + human(c.remaining()) + " before starting another "
                            + c.type().label() + " generation. This limit protects the service for everyone.",
                    c.remaining());
        }
        if (outcome instanceof AcceptOutcome.TooManyInFlight t) {
            String one = t.cap() == 1 ? "it" : "one";
            // the latest a slot frees: a job whose provider answer was lost waits for its deadline, and
            // "try again in about a minute" said again and again for 45 minutes misled
            String freeBy = t.freeBy()
                    .map(at -> " (" + one + " ends by " + UTC_MINUTE.format(at) + " UTC at the latest, its deadline;"
                            + " most end much sooner)")
                    .orElse("");
            ResponseEntity<?> refused = withRetryAfter(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "in-flight-limit",
                    "Too many requests",
                    "You already have " + t.cap() + " " + t.type().label() + " generation" + (t.cap() == 1 ? "" : "s")
                            + " in progress. Please wait for " + one + " to finish before starting another" + freeBy
                            + "; try again in about " + human(t.retryAfter()) + ".",
                    t.retryAfter());
            t.freeBy().ifPresent(at -> ((ProblemDetail) refused.getBody()).setProperty("freeBy", at.toString()));
            return refused;
        }
        if (outcome instanceof AcceptOutcome.NotEnoughCredits n) {
            String detail = n.debt() > 0
                    ? "You owe " + n.debt()
                            + " credits (a refunded or disputed purchase); new generations need the debt paid first."
                    : "This generation costs " + n.needed() + " credits; you have " + n.available() + " available.";
            ProblemDetail p =
                    Problems.of(HttpStatus.PAYMENT_REQUIRED, "insufficient-credits", "Not enough credits", detail);
            p.setProperty("needed", n.needed());
            p.setProperty("available", n.available());
            p.setProperty("debt", n.debt());
            return ResponseEntity.status(HttpStatus.PAYMENT_REQUIRED).body(p);
        }
        if (outcome instanceof AcceptOutcome.KeyReusedWithDifferentRequest) {
            ProblemDetail p = Problems.of(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "idempotency-key-reused",
                    "Idempotency-Key reused",
                    "This Idempotency-Key was already used with a different request body; use a new key for a new request.");
            return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT)
                    .body(Problems.withFieldError(p, "Idempotency-Key", "was used for a different request body"));
        }
        if (outcome instanceof AcceptOutcome.AccountDeleted) {
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .body(Problems.of(
                            HttpStatus.UNAUTHORIZED,
                            "account-deleted",
                            "Account deleted",
                            "This account was deleted; nothing was started."));
        }
        throw new IllegalStateException("unexpected accept outcome " + outcome);
    }

    /**
     * A repeat of an accepted request (same key, same body) gets the first answer, as it was: the job
     * just accepted, queued, its price held. The job's state now is the status URL's to tell: a
     * client whose first answer was lost and that recorded the hold from the repeat's must not read 0
     * because the job has finished meanwhile.
     */
    private static ResponseEntity<?> accepted(JobView job, boolean repeated) {
        String statusUrl = "/api/v1/generations/" + job.id();
        String status = repeated ? JobState.RESERVED.status() : job.state().status();
        long held = repeated ? job.price() : job.creditsHeld();
        return ResponseEntity.accepted()
                .location(URI.create(statusUrl))
                .body(new GenerationController.Accepted(job.id(), status, held, statusUrl));
    }

    private static ResponseEntity<?> withRetryAfter(
            HttpStatus status, String type, String title, String detail, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        ProblemDetail p = Problems.of(status, type, title, detail);
        p.setProperty("retryAfterSeconds", seconds);
        return ResponseEntity.status(status)
                .header("Retry-After", Long.toString(seconds))
                .body(p);
    }

    private static final DateTimeFormatter UTC_MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    static String human(Duration d) {
        long s = Math.max(1, (d.toMillis() + 999) / 1000);
        if (s < 60) {
            return s + (s == 1 ? " second" : " seconds");
        }
        long m = (s + 59) / 60;
        return m + (m == 1 ? " minute" : " minutes");
    }
}

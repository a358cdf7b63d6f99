package dev.renderbank.generation.web;

import dev.renderbank.platform.Problems;
import dev.renderbank.storage.StorageUnavailableException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The file store (local disk or S3) failing while a user reads or deletes a file is a 503 with
 * Retry-After, not a 500: nothing was changed (a delete's marks are rolled back with it) and the
 * same request works once the store answers again. Logged as a warning with the store's reason.
 * Only {@link StorageUnavailableException} is answered so: a database outage keeps its own 503, and
 * a client hanging up in the middle of a download is no outage. A download that cannot read its file
 * answers through {@link #unreadable} (a value, not an exception); one that fails after its first
 * bytes were sent cannot change its status and is cut instead ({@link AssetDownload}).
 */
@Order(Ordered.HIGHEST_PRECEDENCE) // before the catch-all 500 of ApiExceptionHandler
@RestControllerAdvice(assignableTypes = {AssetController.class, CreationActionsController.class})
class StorageOutage {

    static final long RETRY_AFTER_SECONDS = 30;

    private static final Logger log = LoggerFactory.getLogger(StorageOutage.class);

    /**
     * The owner's file could not be read before any of it was sent: 503 with Retry-After, saying
     * the file is not lost (nothing about it changed) and to try again. One warning naming the asset.
     */
    static ResponseEntity<ProblemDetail> unreadable(String assetId, IOException e) {
        log.warn("Could not read the file of asset {} (answered 503): {}", assetId, e.toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS))
                .body(retryLater(Problems.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "storage-unavailable",
                        "File could not be read",
                        "Your file could not be read right now. It is not lost: try again in a minute.")));
    }

    @ExceptionHandler(StorageUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(StorageUnavailableException e) {
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
        log.warn("File storage unavailable: {}{}", e.getMessage(), cause == e ? "" : " (" + cause + ")");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS))
                .body(retryLater(Problems.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "storage-unavailable",
                        "File storage unavailable",
                        "The file store did not answer; nothing was changed. Try again in a minute")));
    }

    /** The wait in the body too, as every other 429 and 503 has it. */
    private static ProblemDetail retryLater(ProblemDetail p) {
        p.setProperty("retryAfterSeconds", RETRY_AFTER_SECONDS);
        return p;
    }
}

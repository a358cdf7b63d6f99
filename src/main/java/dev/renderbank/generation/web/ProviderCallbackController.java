package dev.renderbank.generation.web;

import dev.renderbank.generation.CallbackOutcome;
import dev.renderbank.generation.ProviderCallbacks;
import dev.renderbank.platform.Problems;
import dev.renderbank.provider.KieCallbackVerifier;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * KIE callbacks. The body is not signed (at most its task id and timestamp are), so it is only a
 * hint: the per-job token authorizes it and the provider is queried before anything changes.
 */
@RestController
class ProviderCallbackController {

    private static final Logger log = LoggerFactory.getLogger(ProviderCallbackController.class);

    private final RefusedCallbackLog refused = new RefusedCallbackLog(log);

    private final ProviderCallbacks callbacks;
    private final KieCallbackVerifier verifier;

    ProviderCallbackController(ProviderCallbacks callbacks, KieCallbackVerifier verifier) {
        this.callbacks = callbacks;
        this.verifier = verifier;
    }

    @PostMapping("/api/provider/kie/callback/{jobId}")
    ResponseEntity<?> callback(
            @PathVariable String jobId,
            @RequestParam(required = false) String token,
            @RequestHeader(name = KieCallbackVerifier.TIMESTAMP_HEADER, required = false) String timestamp,
            @RequestHeader(name = KieCallbackVerifier.SIGNATURE_HEADER, required = false) String signature,
            @RequestBody(required = false) Map<String, Object> body) {
        String taskId = null;
        if (body != null && body.get("data") instanceof Map<?, ?> data && data.get("taskId") instanceof String t) {
            taskId = t;
        }
        if (verifier.configured()
                && verifier.verify(taskId, timestamp, signature) != KieCallbackVerifier.Outcome.VALID) {
            refused.refused(jobId, "missing, stale or wrong signature");
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .body(Problems.of(
                            HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", "Bad callback signature"));
        }
        CallbackOutcome outcome = callbacks.onProviderCallback(jobId, token, taskId);
        if (outcome == CallbackOutcome.CONFLICT) {
            return ResponseEntity.status(HttpStatus.CONFLICT)
                    .body(Problems.of(
                            HttpStatus.CONFLICT,
                            "task-of-another-job",
                            "Task of another job",
                            "The callback names a provider task that belongs to another job"));
        }
        if (outcome == CallbackOutcome.REFUSED) {
            refused.refused(jobId, "unknown job or wrong token");
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .body(Problems.of(
                            HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", "Unknown job or wrong token"));
        }
        return ResponseEntity.ok(Map.of("code", 200, "msg", "received"));
    }
}

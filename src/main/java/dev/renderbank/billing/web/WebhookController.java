package dev.renderbank.billing.web;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.PaymentSecrets;
import dev.renderbank.billing.core.SignatureFailures;
import dev.renderbank.billing.core.WebhookIntake;
import dev.renderbank.billing.creem.CreemSignature;
import dev.renderbank.platform.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Payment webhooks. The signature is checked over the raw bytes before anything is parsed; a
 * refused call stores nothing. A verified event is stored, then processed; the answer is 200 as
 * soon as it is stored, whatever processing comes to (a failure is retried from the store, so the
 * provider never needs to, and never sees a 500 loop).
 */
@RestController
class WebhookController {

    /** Far above any real event; a larger body is refused before the signature is computed. */
    static final int MAX_BODY = 512 * 1024;

    /**
     * Far above any provider's event id or type (Stripe's and Creem's are under 100 characters); a
     * longer one could not be stored under its unique key, so it is refused as malformed.
     */
    static final int MAX_ID = 255;

    /** Stripe's own default: a signed request older than this is a replay. */
    static final long STRIPE_TOLERANCE_SECONDS = 300;

    private final PaymentSecrets secrets;
    private final SignatureFailures failures;
    private final WebhookIntake intake;
    private final JsonMapper json;
    private final Clock clock;

    WebhookController(
            PaymentSecrets secrets, SignatureFailures failures, WebhookIntake intake, JsonMapper json, Clock clock) {
        this.secrets = secrets;
        this.failures = failures;
        this.intake = intake;
        this.json = json;
        this.clock = clock;
    }

    @PostMapping("/api/webhooks/creem")
    ResponseEntity<?> creem(
            @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "creem-signature", required = false) String signature,
            HttpServletRequest request) {
        Optional<ResponseEntity<?>> tooBig = checkSize(body);
        if (tooBig.isPresent()) {
            return tooBig.get();
        }
        Optional<String> secret = secrets.creemWebhookSecret();
        if (secret.isEmpty() || !CreemSignature.verify(body, signature, secret.get())) {
            failures.record(
                    "creem",
                    secret.isEmpty() ? "no CREEM_WEBHOOK_SECRET configured" : "bad or missing creem-signature",
                    request.getRemoteAddr());
            return unauthorized();
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            return malformed("creem", "signed body is not JSON", request);
        }
        String id;
        String type;
        try {
            id = Json.text(root, "id");
            type = Json.text(root, "eventType");
        } catch (Json.UnusableText e) {
            return malformed("creem", "event " + e.getMessage(), request);
        }
        if (id == null || type == null || !root.path("object").isObject()) {
            return malformed("creem", "signed body lacks id, eventType or object", request);
        }
        if (id.length() > MAX_ID || type.length() > MAX_ID) {
            return malformed("creem", "event id or eventType longer than " + MAX_ID + " characters", request);
        }
        return accepted(intake.receive("creem", id, type, new String(body, StandardCharsets.UTF_8)));
    }

    @PostMapping("/api/webhooks/stripe")
    ResponseEntity<?> stripe(
            @RequestBody(required = false) byte[] body,
            @RequestHeader(name = "Stripe-Signature", required = false) String signature,
            HttpServletRequest request) {
        Optional<ResponseEntity<?>> tooBig = checkSize(body);
        if (tooBig.isPresent()) {
            return tooBig.get();
        }
        Optional<String> secret = secrets.stripeWebhookSecret();
        String payload = new String(body, StandardCharsets.UTF_8);
        if (secret.isEmpty() || signature == null) {
            failures.record(
                    "stripe",
                    secret.isEmpty() ? "no STRIPE_WEBHOOK_SECRET configured" : "missing Stripe-Signature",
                    request.getRemoteAddr());
            return unauthorized();
        }
        try {
            // The signature first: a forged body must be refused as forged, not parsed.
            Webhook.Signature.verifyHeader(payload, signature, secret.get(), STRIPE_TOLERANCE_SECONDS, clock);
        } catch (SignatureVerificationException e) {
            failures.record("stripe", e.getMessage(), request.getRemoteAddr());
            return unauthorized();
        } catch (RuntimeException e) {
            // stripe-java reads the header's parts as it finds them: "t=x" is a NumberFormatException,
            // "t" or "v1" without a value an ArrayIndexOutOfBoundsException. Anyone can send such a
            // header: a bad signature like the others (counted, logged at most once a second)
            failures.record("stripe", "Stripe-Signature cannot be read", request.getRemoteAddr());
            return unauthorized();
        }
        Event event;
        try {
            event = Webhook.constructEvent(payload, signature, secret.get(), STRIPE_TOLERANCE_SECONDS, clock);
        } catch (SignatureVerificationException | RuntimeException e) {
            return malformed("stripe", "signed body is not a Stripe event", request);
        }
        if (event.getId() == null || event.getType() == null) {
            return malformed("stripe", "signed body lacks id or type", request);
        }
        if (event.getId().length() > MAX_ID || event.getType().length() > MAX_ID) {
            return malformed("stripe", "event id or type longer than " + MAX_ID + " characters", request);
        }
        try {
            Json.usable(event.getId(), "id");
            Json.usable(event.getType(), "type");
        } catch (Json.UnusableText e) {
            return malformed("stripe", "event " + e.getMessage(), request);
        }
        return accepted(intake.receive("stripe", event.getId(), event.getType(), payload));
    }

    private static Optional<ResponseEntity<?>> checkSize(byte[] body) {
        if (body == null) {
            return Optional.of(ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.of(HttpStatus.UNAUTHORIZED, "bad-signature", "Unauthorized", "Empty body")));
        }
        if (body.length > MAX_BODY) {
            return Optional.of(ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(Problems.of(
                            HttpStatus.CONTENT_TOO_LARGE, "too-large", "Body too large", "Webhook body too large")));
        }
        return Optional.empty();
    }

    private static ResponseEntity<?> accepted(WebhookIntake.Receipt receipt) {
        return ResponseEntity.ok(Map.of("received", true, "status", receipt.status()));
    }

    private static ResponseEntity<ProblemDetail> unauthorized() {
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(
                        HttpStatus.UNAUTHORIZED,
                        "bad-signature",
                        "Unauthorized",
                        "The webhook signature is missing or does not match"));
    }

    private ResponseEntity<ProblemDetail> malformed(String provider, String why, HttpServletRequest request) {
        org.slf4j.LoggerFactory.getLogger("dev.renderbank.security")
                .warn("Refused {} webhook from {}: {}", provider, request.getRemoteAddr(), why);
        return ResponseEntity.badRequest()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(Problems.of(HttpStatus.BAD_REQUEST, "malformed-webhook", "Malformed webhook", why));
    }
}

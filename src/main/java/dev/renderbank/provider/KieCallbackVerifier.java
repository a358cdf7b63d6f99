package dev.renderbank.provider;

import dev.renderbank.provider.internal.ProviderProperties;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Checks KIE's optional callback signature: {@code X-Webhook-Signature} =
 * base64(HMAC-SHA256(taskId + "." + X-Webhook-Timestamp, webhook HMAC key)), compared in constant
 * time, with the timestamp (Unix seconds; milliseconds accepted) within {@link #TOLERANCE} of now.
 * The body is not covered by the signature, so even a VALID callback is only a hint: confirm the
 * task's state by querying it.
 */
@Component
public class KieCallbackVerifier {

    public static final String TIMESTAMP_HEADER = "X-Webhook-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Webhook-Signature";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    public enum Outcome {
        /** No webhook HMAC key is configured: callbacks are not signed (rely on the per-job token). */
        NOT_CONFIGURED,
        VALID,
        /** Missing, malformed, wrong or stale signature. Answer 401 and change nothing. */
        INVALID
    }

    private final String key;
    private final Clock clock;

    KieCallbackVerifier(ProviderProperties properties, Clock clock) {
        this.key = properties.kie().webhookHmacKey();
        this.clock = clock;
    }

    public boolean configured() {
        return StringUtils.hasText(key);
    }

    /** {@code taskId} is the callback body's {@code data.taskId}; the other two are the raw header values. */
    public Outcome verify(String taskId, String timestampHeader, String signatureHeader) {
        if (!configured()) {
            return Outcome.NOT_CONFIGURED;
        }
        if (!StringUtils.hasText(taskId)
                || !StringUtils.hasText(timestampHeader)
                || !StringUtils.hasText(signatureHeader)) {
            return Outcome.INVALID;
        }
        Optional<Instant> signedAt = parseTimestamp(timestampHeader.trim());
        if (signedAt.isEmpty()
                || Duration.between(signedAt.get(), clock.instant()).abs().compareTo(TOLERANCE) > 0) {
            return Outcome.INVALID;
        }
        byte[] provided;
        try {
            provided = Base64.getDecoder().decode(signatureHeader.trim());
        } catch (IllegalArgumentException e) {
            return Outcome.INVALID;
        }
        byte[] expected = hmac(key, taskId + "." + timestampHeader.trim());
        return MessageDigest.isEqual(expected, provided) ? Outcome.VALID : Outcome.INVALID;
    }

    /** The signature KIE (and the simulator) sends for this task and timestamp header value. */
    public static String signature(String hmacKey, String taskId, String timestamp) {
        return Base64.getEncoder().encodeToString(hmac(hmacKey, taskId + "." + timestamp));
    }

    private static Optional<Instant> parseTimestamp(String value) {
        try {
            long n = Long.parseLong(value);
            // 13 digits and more are milliseconds; seconds stay below that until the year 5138
            return Optional.of(n >= 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }

    private static byte[] hmac(String key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}

package dev.renderbank.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;

/**
 * Idempotency keys of commands run without {@code --key}, derived from what the command means, so
 * that the same command run again (a retry, also one after the first run's answer was lost) acts
 * once.
 */
final class CommandKeys {

    private CommandKeys() {}

    /** A key from the command's meaning and the UTC day: the same command repeated today acts once. */
    static String derivedKey(String action, String a, String b, String c, Clock clock) {
        String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        return "cli:" + action + ":" + day + ":" + digest(action, a, String.valueOf(b), String.valueOf(c), day);
    }

    static String digest(String... parts) {
        String material = String.join("\n", parts);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

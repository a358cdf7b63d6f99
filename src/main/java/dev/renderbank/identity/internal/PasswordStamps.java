package dev.renderbank.identity.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Which password a browser session was signed in with: a digest of the password's stored hash, kept
 * in the session at sign-in and compared with the account's hash on each request ({@link
 * SuspendedAccountFilter}). A reset or change ends the sessions it finds; a sign-in whose password was
 * checked before the reset committed, but whose session was stored only after it, is signed out by
 * this instead. Never the hash itself: sessions are stored in PostgreSQL.
 */
public final class PasswordStamps {

    /** The session attribute holding the stamp; a session without one (signed in before) is not checked. */
    public static final String SESSION_ATTRIBUTE = "renderbank.passwordStamp";

    private PasswordStamps() {}

    public static String of(String passwordHash) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(passwordHash.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.renderbank.identity.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;

/**
 * What the sign-in form's user name may be, before it reaches SQL. The name is whatever a client
 * typed (a NUL, 9,000 characters, control characters): it is never stored as given. The throttle
 * keys it by a digest of the normal form of the name Spring authenticates (trimmed; fixed size, any
 * characters), and a name no account can have (the sign-up rule: something@something, at most 254
 * characters, no control characters) is not looked up at all; it is refused like a wrong password.
 */
public final class SignInNames {

    /** The sign-up rule (Users.create, Accounts.isEmail). */
    static final int MAX_LENGTH = 254;

    private SignInNames() {}

    /** Whether an account could have this name; if not, it is not looked up. */
    public static boolean couldExist(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++; // a character outside the BMP (an emoji, say): addresses may have them
                continue;
            }
            if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '\uFFFD') {
                return false; // a lone surrogate cannot be stored or sent
            }
        }
        return name.matches("[^@\\s]+@[^@\\s]+");
    }

    /** What the mailer reads as address syntax, not as part of a mailbox: names, comments, lists, quotes. */
    private static final String MAIL_SYNTAX = "()<>,;:\\\"[]";

    /**
     * Whether a new account may take this address ({@link #couldExist}, and more): its verification
     * link must reach exactly this mailbox. The mailer parses an address as RFC 5322 text, so {@code
     * x<other@example.com>} went to other@example.com, a comment {@code a(b)@example.com} to
     * a@example.com, a list to several or none, and a space outside ASCII (which {@code \s} misses)
     * to none: those characters are refused. Letters outside ASCII stay allowed. An address in the
     * reserved {@code .invalid} domain ({@link #inReservedDomain}) or without a full domain name
     * ({@link #hasFullDomain}) is refused too.
     */
    public static boolean canSignUp(String name) {
        if (!couldExist(name) || inReservedDomain(name) || !hasFullDomain(name)) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (MAIL_SYNTAX.indexOf(c) >= 0 || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the address's domain is {@code invalid} or ends in {@code .invalid}: the top-level domain
     * RFC 2606 reserves so it never resolves, so no such address can receive a verification link, and
     * a deleted account's placeholder address ({@code deleted-<id>@deleted.invalid}) lives there. Read
     * as a mailer would: compatibility forms (fullwidth letters, ideographic full stops) and case
     * folded, a trailing dot ignored.
     */
    public static boolean inReservedDomain(String name) {
        if (name == null) {
            return false;
        }
        String domain = domainAsMailed(name);
        return domain.equals("invalid") || domain.endsWith(".invalid");
    }

    /**
     * Whether the address's domain is a full domain name: at least two labels joined by dots, none
     * empty, read as {@link #inReservedDomain} reads it (so a trailing dot, the root, is ignored). No
     * mail system on the internet delivers to {@code a@b} or {@code me@localhost}: their verification
     * email bounces. False for a name without an {@code @}.
     */
    public static boolean hasFullDomain(String name) {
        if (name == null || name.indexOf('@') < 0) {
            return false;
        }
        String domain = domainAsMailed(name);
        return domain.indexOf('.') > 0 && !domain.contains("..");
    }

    /**
     * The domain of an address (after its last {@code @}) as a mailer reads it: compatibility forms
     * (fullwidth letters and dots) and case folded, an ideographic full stop a dot, trailing dots gone.
     */
    private static String domainAsMailed(String name) {
        int at = name.lastIndexOf('@');
        String domain = EmailKeys.of(Normalizer.normalize(name.substring(at + 1), Normalizer.Form.NFKC))
                .replace('\u3002', '.');
        while (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        return domain;
    }

    /**
     * The name Spring Security authenticates for the one a client typed: its
     * UsernamePasswordAuthenticationFilter trims the form's user name ({@code String.trim()}: every
     * character up to U+0020 at either end, control characters as well as spaces) before looking the
     * account up, so a@b.c followed by U+0001, or after a space, signs in to a@b.c.
     */
    static String asAuthenticated(String name) {
        return name == null ? "" : name.trim();
    }

    /**
     * What the throttle and the request limits count a name as: the canonical form ({@link EmailKeys},
     * the form that finds the account) of the name as Spring authenticates it ({@link
     * #asAuthenticated}). Every spelling that signs in to one account thus has one count: keyed by the
     * name as typed, a guesser who added a different control character each time got a fresh count
     * per guess. For an ASCII name that is its trimmed lower case. Never stored as such: {@link
     * AddressHasher#throttleKey} keys it under the server's secret.
     */
    static String throttleName(String name) {
        return EmailKeys.of(asAuthenticated(name));
    }

    /**
     * The key the previous release stored for a name: the plain hex SHA-256 of {@link #throttleName}.
     * Anyone with the tables and a list of addresses could tell whose rows they were, so it is no
     * longer written; only looked for to delete rows a node of that release wrote during an upgrade.
     */
    static String unkeyedThrottleKey(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(throttleName(name).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Which character to remove, and why: it reads as another letter ({@link EmailKeys#foldsIntoAnother}),
     * so the address would be one account with another spelling, possibly someone else's address.
     */
    public static String lookAlikeProblem(int cp) {
        String character = Character.isLetter(cp) ? new String(Character.toChars(cp)) + " " : "";
        return "Remove the character " + character + String.format("(U+%04X %s)", cp, Character.getName(cp))
                + " from the address: it is read as "
                + new String(Character.toChars(Character.toLowerCase(Character.toUpperCase(cp))))
                + ", which makes it another address. Enter the address without it.";
    }
}

package dev.renderbank.billing.core;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;

/**
 * Tolerant reads of provider JSON: a missing or null field is null, never an exception. One rule for
 * every text read from an event (ids of refunds, disputes, charges, orders, subscriptions, and the
 * statuses, currencies and metadata next to them): text PostgreSQL cannot store or index (a control
 * character such as NUL, an unpaired surrogate, more than {@link #MAX_TEXT} characters) is no id a
 * provider issues, so it is refused ({@link UnusableText}) where it is read, before anything is written.
 */
public final class Json {

    /** Far above any id or status a provider sends (Stripe's ids are at most 255 characters). */
    public static final int MAX_TEXT = 255;

    private Json() {}

    /**
     * A signed event names a text no provider issues and no retry can store: the event can never be
     * applied. The message names the field and what is wrong, never the text itself.
     */
    public static final class UnusableText extends RuntimeException {
        UnusableText(String message) {
            super(message, null, false, false);
        }
    }

    /** The text at {@code path} (dot-free field names); numbers are given as text too. */
    public static String text(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n.isString()) {
            String s = n.stringValue();
            return s.isBlank() ? null : usable(s, path);
        }
        return n.isNumber() ? n.asString() : null;
    }

    /** {@code s} if it can be stored as it is, else {@link UnusableText} naming the field. */
    public static String usable(String s, String... path) {
        String field = path.length == 0 ? "a field" : String.join(".", path);
        if (s.length() > MAX_TEXT) {
            throw new UnusableText(field + " cannot be stored: " + s.length() + " characters, more than " + MAX_TEXT);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                throw new UnusableText(field + " cannot be stored: it contains a control character (U+"
                        + String.format(java.util.Locale.ROOT, "%04X", (int) c) + ")");
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new UnusableText(field + " cannot be stored: it contains an unpaired surrogate");
            }
        }
        return s;
    }

    public static Long number(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n.isNumber() && n.canConvertToLong()) {
            return n.asLong();
        }
        if (n.isString() && n.stringValue().matches("-?\\d{1,18}")) {
            return Long.parseLong(n.stringValue());
        }
        return null;
    }

    /** An id that is either a string or an object with an {@code id} (expanded or not). */
    public static String id(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n.isObject() ? text(n, "id") : text(node, path);
    }

    /** An ISO-8601 timestamp, or epoch seconds. */
    public static Instant time(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n.isNumber()) {
            return Instant.ofEpochSecond(n.asLong());
        }
        String s = text(node, path);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    static JsonNode at(JsonNode node, String... path) {
        JsonNode n = node;
        for (String p : path) {
            n = n.path(p);
        }
        return n;
    }
}

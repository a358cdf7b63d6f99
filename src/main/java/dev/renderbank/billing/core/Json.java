package dev.renderbank.billing.core;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import tools.jackson.databind.JsonNode;

/** Tolerant reads of provider JSON: a missing or null field is null, never an exception. */
public final class Json {

    private Json() {}

    /** The text at {@code path} (dot-free field names); numbers are given as text too. */
    public static String text(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        if (n.isString()) {
            String s = n.stringValue();
            return s.isBlank() ? null : s;
        }
        return n.isNumber() ? n.asString() : null;
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

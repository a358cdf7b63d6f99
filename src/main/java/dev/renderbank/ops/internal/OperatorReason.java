package dev.renderbank.ops.internal;

import java.util.Optional;

/**
 * The one rule for the reason every operator action carries, wherever it comes from: the admin
 * pages' forms, the admin API and the operator command line. A reason is required, at most {@value
 * #MAX} characters (the audit record's limit) and printable: control characters other than line
 * breaks and tabs are refused anywhere in it (also where trimming would drop them), since the reason
 * is shown in pages and mail and written to logs. Callers store the trimmed text.
 * {@link AuditedActions.Request} applies it too, so no action is recorded with a reason it refuses.
 */
public final class OperatorReason {

    public static final int MAX = 1000;

    private OperatorReason() {}

    /** What to fix about {@code reason} (worded to follow "reason "), or empty when it is acceptable. */
    public static Optional<String> problem(String reason) {
        if (reason == null || reason.isBlank()) {
            return Optional.of("is required: say why (it is recorded and shown in the audit)");
        }
        String r = reason.trim();
        if (r.length() > MAX) {
            return Optional.of("must be at most " + MAX + " characters (it has " + r.length() + ")");
        }
        // the whole text, not only the trimmed one: trim() drops a leading or trailing control
        // character, which a caller that stores the text untrimmed would keep
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                return Optional.of(String.format(
                        "must not contain control characters (U+%04X at position %d); line breaks and tabs are fine",
                        (int) c, i + 1));
            }
        }
        return Optional.empty();
    }
}

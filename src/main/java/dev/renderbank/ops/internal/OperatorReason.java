package dev.renderbank.ops.internal;

import java.util.Optional;

/**
 * The one rule for the reason every operator action carries, wherever it comes from: the admin
 * pages' forms, the admin API and the operator command line. A reason is required, at most {@value
 * #MAX} characters (the audit record's limit) and printable: control characters other than line
 * breaks and tabs are refused anywhere in it (also where trimming would drop them), since the reason
 * is shown in pages and mail and written to logs. Callers store the trimmed text.
 * {@link AuditedActions.Request} applies it too, so no action is recorded with a reason it refuses.
 *
 * <p>The actor (who acts: the command line's {@code --actor}, an admin's name) is recorded and shown
 * beside the reason and passes the same check ({@link #actorProblem}); being a name, it is one line,
 * so line breaks and tabs are refused in it too. So is the operator's idempotency key (the command
 * line's {@code --key}, a form's or the API's {@code Idempotency-Key}), recorded beside them: at most
 * {@value #MAX_KEY} characters, one printable line ({@link #keyProblem}).
 */
public final class OperatorReason {

    public static final int MAX = 1000;

    /**
     * The longest actor: the longest address sign-up takes (254), since an admin acting from the pages
     * or the API acts under their address.
     */
    public static final int MAX_ACTOR = 254;

    /** The longest idempotency key (the audit record's limit). */
    public static final int MAX_KEY = 200;

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
        return controlCharacter(reason, true);
    }

    /** What to fix about {@code actor} (worded to follow "actor "), or empty when it is acceptable. */
    public static Optional<String> actorProblem(String actor) {
        if (actor == null || actor.isBlank()) {
            return Optional.of("is required: name who acts (it is recorded and shown in the audit)");
        }
        if (actor.length() > MAX_ACTOR) {
            return Optional.of("must be at most " + MAX_ACTOR + " characters (it has " + actor.length() + ")");
        }
        return controlCharacter(actor, false);
    }

    /** What to fix about an idempotency key (worded to follow its name), or empty when it is acceptable. */
    public static Optional<String> keyProblem(String key) {
        if (key == null || key.isBlank()) {
            return Optional.of("is required: send a fresh key per intended action (a repeat then acts once)");
        }
        if (key.length() > MAX_KEY) {
            return Optional.of("must be at most " + MAX_KEY + " characters (it has " + key.length() + ")");
        }
        return controlCharacter(key, false);
    }

    /**
     * What to fix about one-line operator input that has no rule of its own (a command line's email,
     * task id or switch name), worded to follow its name: no control characters, line breaks and
     * tabs included; empty when it has none.
     */
    public static Optional<String> lineProblem(String text) {
        return text == null ? Optional.empty() : controlCharacter(text, false);
    }

    /**
     * The first control character in {@code text}, line breaks and tabs allowed only if {@code
     * lines}. The whole text, not only the trimmed one: trim() drops a leading or trailing control
     * character, which a caller that stores the text untrimmed would keep.
     */
    private static Optional<String> controlCharacter(String text, boolean lines) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean lineBreakOrTab = c == '\n' || c == '\r' || c == '\t';
            if (Character.isISOControl(c) && !(lines && lineBreakOrTab)) {
                return Optional.of(String.format(
                        "must not contain control characters (U+%04X at position %d)%s",
                        (int) c, i + 1, lines ? "; line breaks and tabs are fine" : ", line breaks or tabs"));
            }
        }
        return Optional.empty();
    }
}

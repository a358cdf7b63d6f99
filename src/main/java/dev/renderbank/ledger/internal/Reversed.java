package dev.renderbank.ledger.internal;

import java.util.List;

/**
 * The clawbacks a give-back reverses: those of the grants {@code grantKeys} whose clawback key starts
 * with {@code clawbackKeyPrefix} (empty: every clawback of those grants). Several clawbacks can take
 * from one grant (a refund and a dispute of one pack), and reversing one must not count what was
 * forgiven of another.
 */
public record Reversed(List<String> grantKeys, String clawbackKeyPrefix) {

    public Reversed {
        grantKeys = List.copyOf(grantKeys);
        if (clawbackKeyPrefix == null) {
            throw new IllegalArgumentException("clawbackKeyPrefix is required");
        }
    }

    /** An ordinary grant: it reverses nothing. */
    public static final Reversed NOTHING = new Reversed(List.of(), "");

    boolean isEmpty() {
        return grantKeys.isEmpty();
    }
}

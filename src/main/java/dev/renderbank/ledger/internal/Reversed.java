package dev.renderbank.ledger.internal;

import java.util.List;

/**
 * The clawbacks a give-back reverses: those of the grants {@code grantKeys} whose clawback key starts
 * with {@code clawbackKeyPrefix} (empty: every clawback of those grants). Several clawbacks can take
 * from one grant (a refund and a dispute of one pack), and reversing one must not count what was
 * forgiven of another.
 *
 * <p>The grants are a set: the ledger reverses the clawbacks of the grants named, in whatever order
 * and however often each is named, so they are kept sorted and without repeats. Two give-backs that
 * name the same grants in another order are the same request, and compare equal (stored with the
 * grant, {@link GrantStore}, to refuse a give-back key reused for other clawbacks).
 */
public record Reversed(List<String> grantKeys, String clawbackKeyPrefix) {

    public Reversed {
        grantKeys = grantKeys.stream().distinct().sorted().toList();
        if (clawbackKeyPrefix == null) {
            throw new IllegalArgumentException("clawbackKeyPrefix is required");
        }
    }

    /** An ordinary grant: it reverses nothing. */
    public static final Reversed NOTHING = new Reversed(List.of(), "");

    boolean isEmpty() {
        return grantKeys.isEmpty();
    }

    /** For the refusal of a reused key: what a grant gives back, in words. */
    @Override
    public String toString() {
        return isEmpty() && clawbackKeyPrefix.isEmpty()
                ? "nothing"
                : "the clawbacks of " + grantKeys + " keyed '" + clawbackKeyPrefix + "...'";
    }
}

package dev.renderbank.ledger;

import java.util.List;

/** Result of {@link Ledger#checkInvariants()}: empty {@code violations} means the books balance. */
public record InvariantReport(long accountsChecked, List<String> violations) {

    public boolean holds() {
        return violations.isEmpty();
    }
}

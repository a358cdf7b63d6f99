package dev.renderbank.ledger.internal;

import dev.renderbank.ledger.LedgerEntry;

/**
 * An entry as the account's owner is shown it (credit history API, credits page, data export).
 * Some entries are about another person: a referral reward is keyed by the invited user's account
 * id ({@code reward:referral:<id>}, its give-backs {@code reward:referral:<id>:<movement>}, its
 * clawbacks {@code <refund or dispute key>:reward:referral:<id>}) and the reason of a clawback or
 * give-back quotes their refund or dispute. The referrer learns that someone they invited bought or
 * had a purchase refunded, never who or which payment: those entries are shown with the key
 * {@code reward:referral} and a reason in general words. Operators read the entries unchanged.
 */
public final class OwnerView {

    static final String REFERRAL = "reward:referral";

    private OwnerView() {}

    public static LedgerEntry of(LedgerEntry e) {
        String ref = e.reference();
        if (ref == null || !ref.contains(REFERRAL + ":")) {
            return e;
        }
        String reason;
        if ("CLAWBACK".equals(e.kind())) {
            reason = "referral reward (the invited user's purchase was refunded or disputed)";
        } else if ("GRANT".equals(e.kind())
                && ref.startsWith(REFERRAL + ":")
                && ref.indexOf(':', REFERRAL.length() + 1) > 0) {
            reason = "referral reward given back (the invited user's refund or dispute was reversed)";
        } else {
            reason = "referral reward";
        }
        return new LedgerEntry(
                e.id(),
                e.kind(),
                e.amount(),
                e.balanceDelta(),
                e.heldDelta(),
                e.debtDelta(),
                REFERRAL,
                e.source(),
                reason,
                e.createdAt());
    }
}

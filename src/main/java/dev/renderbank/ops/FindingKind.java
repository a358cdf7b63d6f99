package dev.renderbank.ops;

/** What a reconciliation finding is about; the README's "Reconciliation" section explains each. */
public enum FindingKind {
    /** The ledger's own invariants: balances = sum of entries, held = sum of open holds, etc. */
    LEDGER_INVARIANT,
    /** An open hold whose job is not live (finished, or no such job). */
    HOLD_WITHOUT_JOB,
    /** A live job without an open hold. */
    JOB_WITHOUT_HOLD,
    /** A processed purchase short of the grants its product's schedule implies to date. */
    PURCHASE_GRANT_MISSING,
    /** A purchase or subscription grant in the ledger that no recorded purchase explains. */
    GRANT_WITHOUT_PURCHASE,
    /** A succeeded job without exactly one capture of its hold. */
    JOB_CAPTURE_MISSING,
    /** A failed job, or a late delivery (free), whose hold was captured: the user paid for what is free. */
    JOB_CAPTURE_NOT_DUE,
    /** A succeeded job without a stored asset. */
    JOB_ASSET_MISSING,
    /** A finished job whose state the provider reports differently. */
    JOB_PROVIDER_DISAGREES,
    /** Paid at the payment provider, not recorded here (webhook lost or refused); repairable. */
    PAID_NOT_RECORDED,
    /** Refunded at the payment provider more than the purchase here records (refund not clawed back); repairable. */
    REFUND_NOT_RECORDED,
    /** A dispute at the payment provider on a purchase here not recorded, or recorded in another state; repairable. */
    DISPUTE_NOT_RECORDED
}

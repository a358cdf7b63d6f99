package dev.renderbank.platform;

/**
 * The largest single amount of credits the ledger takes (a grant, a hold, a clawback, a waiver):
 * far above any price or pack, far below overflow. It lives here, below every module, so that the
 * settings of modules the ledger itself depends on (identity's demo credits) are checked against it
 * at start instead of failing the ledger's call later.
 */
public final class CreditLimits {

    public static final long MAX_AMOUNT = 1_000_000_000L;

    private CreditLimits() {}
}

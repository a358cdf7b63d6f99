package dev.renderbank.billing.creem;

/**
 * The Creem API calls one reconciliation run may still make ({@code
 * renderbank.payments.creem.reconcile-max-calls}): Creem's API has no list of what changed in a window,
 * so a run asks object by object, and a store with many checkouts or subscriptions must not turn one
 * run into thousands of requests. Not shared between runs or threads.
 */
final class CallBudget {

    private final int max;
    private int left;

    CallBudget(int max) {
        this.max = max;
        this.left = max;
    }

    /** Takes one call; false when none is left (nothing is taken then). */
    boolean take() {
        if (left == 0) {
            return false;
        }
        left--;
        return true;
    }

    /** Whether no call is left. */
    boolean spent() {
        return left == 0;
    }

    /** Why {@code notCompared} objects were left out of the run. */
    String exhausted(int notCompared) {
        return "at most " + max + " Creem API calls per run (renderbank.payments.creem.reconcile-max-calls): "
                + notCompared + " checkout(s) or subscription(s) not compared in this run";
    }
}

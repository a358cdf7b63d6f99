package dev.renderbank.billing.creem;

/**
 * The Creem API calls one reconciliation run may still make ({@code
 * renderbank.payments.creem.reconcile-max-calls}): Creem's API has no list of what changed in a window,
 * so a run asks object by object, and a store with many checkouts or subscriptions must not turn one
 * run into thousands of requests. The run reads several kinds of object in turn (open checkouts,
 * subscriptions due for a renewal, purchases against their refunds and disputes); each kind is
 * guaranteed its {@link #shares share} of the calls, so that many of one kind (hundreds of abandoned
 * checkouts) cannot leave another unread, and may use whatever the kinds after it do not need. Not
 * shared between runs or threads.
 */
final class CallBudget {

    private final int max;
    private int left;
    /** Calls the kind being read may still make (at most {@link #left}). */
    private int kindLeft;

    CallBudget(int max) {
        this.max = max;
        this.left = max;
        this.kindLeft = max;
    }

    /**
     * The calls each kind is guaranteed, for kinds wanting {@code wanted} calls each (in the order
     * they are read): the calls split evenly, a kind wanting less than its even part getting what it
     * wants and the rest splitting what it leaves (the earlier kinds get the odd calls).
     */
    int[] shares(int... wanted) {
        int[] share = new int[wanted.length];
        int free = max;
        int open = 0;
        for (int w : wanted) {
            open += w > 0 ? 1 : 0;
        }
        boolean changed = true;
        while (free > 0 && open > 0 && changed) {
            changed = false;
            int even = Math.max(1, free / open);
            for (int i = 0; i < wanted.length && free > 0; i++) {
                int more = Math.min(Math.min(even, wanted[i] - share[i]), free);
                if (more > 0) {
                    share[i] += more;
                    free -= more;
                    changed = true;
                    if (share[i] == wanted[i]) {
                        open--;
                    }
                }
            }
        }
        return share;
    }

    /**
     * Starts reading the next kind, which may make the calls left but {@code forLater} (the shares of
     * the kinds read after it).
     */
    void next(int forLater) {
        kindLeft = Math.max(0, left - forLater);
    }

    /** Takes one call; false when none is left to this kind (nothing is taken then). */
    boolean take() {
        if (kindLeft == 0) {
            return false;
        }
        left--;
        kindLeft--;
        return true;
    }

    /**
     * Takes one call beyond this kind's share, from those of the kinds after it, if any is left: for
     * the second call an object found paid needs (a paid plan checkout's subscription), which only a
     * payment costs.
     */
    boolean takeBeyondShare() {
        if (left == 0) {
            return false;
        }
        left--;
        kindLeft = Math.max(0, kindLeft - 1);
        return true;
    }

    /** Whether no call is left to this kind. */
    boolean spent() {
        return kindLeft == 0;
    }

    /** Why {@code notCompared} objects ({@code what}: "checkout(s)", ...) were left out of the run. */
    String exhausted(int notCompared, String what) {
        return "at most " + max + " Creem API calls per run (renderbank.payments.creem.reconcile-max-calls): "
                + notCompared + " " + what + " not compared in this run";
    }
}

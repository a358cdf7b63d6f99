package dev.renderbank.ops;

import dev.renderbank.generation.JobView;
import dev.renderbank.generation.OperatorJob;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Hold;
import dev.renderbank.ledger.LedgerEntry;
import java.time.Instant;
import java.util.List;

/**
 * Everything an operator needs about one job, read through each module's facade: the job (its
 * prompt and options are its owner's, not shown to operators), its owner (an account its owner
 * deleted shows only its erased row), its hold and the ledger entries under the hold's key (the
 * hold, then its capture or release), and the operator actions on it.
 *
 * @param hold null for a job that never held credits (refused before its reservation)
 * @param lookedUpAt when this was read: whether a late result may still come is as of then
 */
public record JobDossier(
        OperatorJob found,
        UserAccount owner,
        boolean ownerDeleted,
        Hold hold,
        List<LedgerEntry> entries,
        List<OperatorAction> actions,
        Instant lookedUpAt) {

    public JobView job() {
        return found.job();
    }

    /** A failed job whose provider task may still deliver its result, free of charge, as of {@link #lookedUpAt}. */
    public boolean lateResultMayCome() {
        return found.job().lateResultMayCome(lookedUpAt);
    }

    /**
     * Where a late result stands: {@code delivered} (it came after the job had failed, free), {@code
     * awaited} (it may still come), {@code ended} (it was awaited, no longer) or {@code none} (the job
     * did not fail in a way a result may follow).
     */
    public String lateResult() {
        JobView j = found.job();
        if (j.lateDelivery()) {
            return "delivered";
        }
        if (lateResultMayCome()) {
            return "awaited";
        }
        return j.lateResultUntil() != null ? "ended" : "none";
    }
}

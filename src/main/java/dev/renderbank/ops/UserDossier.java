package dev.renderbank.ops;

import dev.renderbank.billing.PurchaseSummary;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.TokenInfo;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Hold;
import dev.renderbank.ledger.LedgerEntry;
import java.util.List;

/** Everything an operator needs to help one user, read through each module's facade. */
public record UserDossier(
        UserAccount user,
        boolean active,
        boolean deleted,
        Balance credits,
        List<Hold> openHolds,
        List<LedgerEntry> history,
        List<JobView> jobs,
        List<PurchaseSummary> purchases,
        List<TokenInfo> tokens,
        List<OperatorAction> actions) {

    public long available() {
        return credits.available();
    }
}

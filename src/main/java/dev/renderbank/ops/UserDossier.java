package dev.renderbank.ops;

import dev.renderbank.billing.PurchaseSummary;
import dev.renderbank.billing.UserCheckout;
import dev.renderbank.billing.UserPaymentEvent;
import dev.renderbank.generation.JobView;
import dev.renderbank.identity.TokenInfo;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Hold;
import dev.renderbank.ledger.LedgerEntry;
import java.util.List;

/**
 * Everything an operator needs to help one user, read through each module's facade. {@code history}
 * and {@code jobs} are one page of each, newest first; {@code historyNextCursor} and {@code
 * jobsNextCursor} lead to the next (null on the last). {@code checkouts} and {@code paymentEvents}
 * (the stored payment webhooks naming the user) answer "I was charged but got no credits".
 */
public record UserDossier(
        UserAccount user,
        boolean active,
        boolean deleted,
        Balance credits,
        List<Hold> openHolds,
        List<LedgerEntry> history,
        String historyNextCursor,
        List<JobView> jobs,
        String jobsNextCursor,
        List<PurchaseSummary> purchases,
        List<UserCheckout> checkouts,
        List<UserPaymentEvent> paymentEvents,
        List<TokenInfo> tokens,
        List<OperatorAction> actions) {

    public long available() {
        return credits.available();
    }
}

package dev.renderbank.billing;

import dev.renderbank.billing.db.PurchaseStore;
import java.util.List;
import org.springframework.stereotype.Service;

/** Read side of a user's purchases for other modules (the account's data export). */
@Service
public class PurchaseHistory {

    private final PurchaseStore purchases;

    PurchaseHistory(PurchaseStore purchases) {
        this.purchases = purchases;
    }

    /** Every purchase of the user, newest first. */
    public List<PurchaseRecord> of(long userId) {
        return purchases.forUser(userId);
    }
}

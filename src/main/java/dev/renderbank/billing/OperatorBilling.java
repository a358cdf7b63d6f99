package dev.renderbank.billing;

import dev.renderbank.billing.db.OperatorBillingQueries;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/** Read-only queries for operators (admin pages, command line) across users. */
@Service
public class OperatorBilling {

    private final OperatorBillingQueries queries;

    OperatorBilling(OperatorBillingQueries queries) {
        this.queries = queries;
    }

    /** The user's purchases, newest first (at most 100). */
    public List<PurchaseSummary> purchases(long userId) {
        return queries.purchases(userId, 100);
    }

    /** Stored payment webhooks by status (RECEIVED, PROCESSED, IGNORED, FAILED). */
    public Map<String, Long> paymentEventsByStatus() {
        return queries.eventsByStatus();
    }
}

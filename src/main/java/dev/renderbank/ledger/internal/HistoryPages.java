package dev.renderbank.ledger.internal;

import dev.renderbank.ledger.HistoryPage;
import dev.renderbank.ledger.LedgerEntry;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * A user's entries a page at a time, newest first: as recorded (operators), or as the owner is shown
 * them ({@link OwnerView}). The cursor is the last entry's id of the page before.
 */
@Component
public class HistoryPages {

    private final LedgerStore store;

    public HistoryPages(LedgerStore store) {
        this.store = store;
    }

    /** See {@link dev.renderbank.ledger.Ledger#ownHistory}. */
    public HistoryPage ownHistory(long userId, String cursor, int limit) {
        HistoryPage page = history(userId, cursor, limit);
        return new HistoryPage(page.items().stream().map(OwnerView::of).toList(), page.nextCursor());
    }

    /** See {@link dev.renderbank.ledger.Ledger#history}. */
    public HistoryPage history(long userId, String cursor, int limit) {
        if (limit < 1 || limit > 200) {
            throw new IllegalArgumentException("limit must be between 1 and 200");
        }
        long before;
        try {
            before = cursor == null || cursor.isBlank() ? Long.MAX_VALUE : Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cursor is not one this API returned");
        }
        if (before < 1) { // a cursor is an entry's id: anything lower would be an empty page, not a refusal
            throw new IllegalArgumentException("cursor is not one this API returned");
        }
        List<LedgerEntry> rows = store.history(userId, before, limit + 1);
        if (rows.size() > limit) {
            List<LedgerEntry> page = rows.subList(0, limit);
            return new HistoryPage(
                    List.copyOf(page), Long.toString(page.get(limit - 1).id()));
        }
        return new HistoryPage(rows, null);
    }
}

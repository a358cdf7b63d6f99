package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest extends LedgerTestSupport {

    @Test
    void historyPagesThroughEveryEntryNewestFirst() {
        long user = fundedUser(100);
        long stranger = fundedUser(100);
        for (int i = 0; i < 3; i++) {
            String job = key("job");
            ledger.reserve(user, 5, job, TTL);
            ledger.capture(job);
            ledger.reserve(stranger, 5, key("job"), TTL);
        }
        String released = key("job");
        ledger.reserve(user, 7, released, TTL);
        ledger.release(released, "provider failed");

        List<LedgerEntry> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HistoryPage page = ledger.history(user, cursor, 3);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(3);
            all.addAll(page.items());
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(all)
                .extracting(LedgerEntry::kind)
                .containsExactly("RELEASE", "HOLD", "CAPTURE", "HOLD", "CAPTURE", "HOLD", "CAPTURE", "HOLD", "GRANT");
        assertThat(all).extracting(LedgerEntry::id).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(all.get(0).reason()).isEqualTo("provider failed");
        assertThat(all.get(0).heldDelta()).isEqualTo(-7);
        assertThat(all.get(2).balanceDelta()).isEqualTo(-5);
        assertThat(all.stream().mapToLong(LedgerEntry::balanceDelta).sum())
                .isEqualTo(ledger.balance(user).balance());
    }

    @Test
    void aUserWithNoEntriesHasAnEmptyLastPage() {
        HistoryPage page = ledger.history(newUser(), null, 50);

        assertThat(page.items()).isEmpty();
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void aPageThatEndsExactlyAtTheLastEntryHasNoCursorAfterIt() {
        long user = fundedUser(100);
        ledger.reserve(user, 1, key("job"), TTL);

        HistoryPage first = ledger.history(user, null, 1);
        HistoryPage second = ledger.history(user, first.nextCursor(), 1);

        assertThat(first.items()).extracting(LedgerEntry::kind).containsExactly("HOLD");
        assertThat(second.items()).extracting(LedgerEntry::kind).containsExactly("GRANT");
        assertThat(second.nextCursor()).isNull();
    }
}

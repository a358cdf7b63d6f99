package dev.renderbank.ledger;

import java.util.List;

/** A page of entries, newest first; {@code nextCursor} is null on the last page. */
public record HistoryPage(List<LedgerEntry> items, String nextCursor) {}

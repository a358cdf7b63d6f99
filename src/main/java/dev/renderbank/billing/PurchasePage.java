package dev.renderbank.billing;

import java.util.List;

/** A page of a user's purchases, newest first; {@code nextCursor} is null on the last page. */
public record PurchasePage(List<PurchaseRecord> items, String nextCursor) {}

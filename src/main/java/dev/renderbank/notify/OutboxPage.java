package dev.renderbank.notify;

import java.util.List;

/** Outbox messages newest first; {@code nextCursor} (null on the last page) asks for the older ones. */
public record OutboxPage(List<OutboxMessage> items, Long nextCursor) {}

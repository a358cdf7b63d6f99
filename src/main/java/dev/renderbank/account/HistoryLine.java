package dev.renderbank.account;

import java.time.Instant;

/**
 * One ledger entry as the credits page shows it: when (the template writes it in the user's zone),
 * what happened in words, the generation it
 * belongs to (for a link to its page; null for other entries), and the change in credits
 * ({@code +500}, {@code −5}, {@code 5 held}); {@code tone} is {@code plus}, {@code minus} or {@code muted}.
 */
record HistoryLine(Instant at, String text, String taskId, String change, String tone) {}

package dev.renderbank.notify;

/**
 * One outbox email whole, for operators: its stored headers and state ({@code message}) and both
 * bodies as they were rendered when it was queued ({@code text}, {@code html}: the HTML part's
 * source). Bodies that carried a one-time link read "(removed once sent …)" after sending, and those
 * of a deleted account "(removed: the account was deleted)".
 */
public record OutboxMail(OutboxMessage message, String text, String html) {}

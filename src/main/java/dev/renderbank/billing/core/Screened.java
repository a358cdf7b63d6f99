package dev.renderbank.billing.core;

import java.util.Optional;

/**
 * What a stored event's handler said of it before its transaction ({@link EventHandler#screen}):
 * {@link Outcome.Ignored} (not this application's), {@link Outcome.Unprocessable} (the provider
 * could not be asked: retried), or empty (handle it in the transaction).
 */
public record Screened(long eventId, Optional<Outcome> outcome) {}

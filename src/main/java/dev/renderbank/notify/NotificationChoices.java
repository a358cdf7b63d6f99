package dev.renderbank.notify;

/**
 * A user's notification settings as one pair, read or written by one statement: "generation
 * ready/failed" emails on or off, and the available credits below which {@code credits.low} fires.
 */
public record NotificationChoices(boolean generationEmails, long creditsLowThreshold) {}

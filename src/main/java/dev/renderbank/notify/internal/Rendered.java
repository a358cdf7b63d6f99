package dev.renderbank.notify.internal;

/** An email as written into the outbox: subject, plain-text part and HTML part. */
public record Rendered(String subject, String text, String html) {}

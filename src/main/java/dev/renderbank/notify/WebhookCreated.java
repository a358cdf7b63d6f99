package dev.renderbank.notify;

/** A newly registered endpoint with its signing secret ({@code whsec_…}), which is shown this once. */
public record WebhookCreated(WebhookEndpoint endpoint, String secret) {}

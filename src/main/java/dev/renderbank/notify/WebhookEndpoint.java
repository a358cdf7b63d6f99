package dev.renderbank.notify;

import java.time.Instant;
import java.util.List;

/**
 * A user's webhook endpoint as its owner sees it (never the secret after creation); {@code
 * disabledAt} is set when it was disabled after failing for days (null while it is on).
 */
public record WebhookEndpoint(String id, String url, List<String> events, Instant createdAt, Instant disabledAt) {}

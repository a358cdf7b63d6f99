package dev.renderbank.notify;

import dev.renderbank.notify.webhooks.DeliveryStore;
import dev.renderbank.notify.webhooks.EndpointStore;
import dev.renderbank.notify.webhooks.StandardWebhooks;
import dev.renderbank.notify.webhooks.WebhookEvents;
import dev.renderbank.notify.webhooks.WebhookProperties;
import dev.renderbank.notify.webhooks.WebhookUrlPolicy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * Client webhooks (Standard Webhooks): a user's endpoints, their delivery log and resend. Everything
 * is per user: another user's endpoint or delivery is indistinguishable from a missing one. What is
 * sent is written by this module's durable event handlers ({@code notify.webhooks}).
 */
@Service
public class Webhooks {

    /** The event types an endpoint may ask for. */
    public static final Set<String> EVENT_TYPES = Set.of(
            WebhookEvents.GENERATION_COMPLETED,
            WebhookEvents.GENERATION_FAILED,
            WebhookEvents.CREDITS_GRANTED,
            WebhookEvents.CREDITS_LOW);

    static final int DELIVERIES_SHOWN = 50;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EndpointStore endpoints;
    private final DeliveryStore deliveries;
    private final WebhookProperties props;
    private final WebhookUrlPolicy policy;
    private final Clock clock;

    Webhooks(EndpointStore endpoints, DeliveryStore deliveries, WebhookProperties props, Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.props = props;
        this.policy = new WebhookUrlPolicy(props.allowPrivateHosts());
        this.clock = clock;
    }

    /**
     * Registers an endpoint after checking the URL (https, a host that resolves to public addresses
     * only) and the events; the secret is in the answer and never again.
     */
    public WebhookOutcome register(long userId, String url, List<String> events) {
        Optional<String> refusal = policy.refusal(url);
        if (refusal.isPresent()) {
            return new WebhookOutcome.Invalid("url", refusal.get());
        }
        if (events == null || events.isEmpty()) {
            return new WebhookOutcome.Invalid("events", "must name at least one of " + sorted(EVENT_TYPES));
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String e : events) {
            if (e == null || !EVENT_TYPES.contains(e)) {
                return new WebhookOutcome.Invalid("events", "may only contain " + sorted(EVENT_TYPES) + ", not " + e);
            }
            wanted.add(e);
        }
        String id = "we_" + random(12);
        String secret = StandardWebhooks.newSecret();
        Instant now = clock.instant();
        String clean = url.trim();
        if (!endpoints.insertWithinCap(
                id, userId, clean, List.copyOf(wanted), secret, props.maxEndpointsPerUser(), now)) {
            return new WebhookOutcome.TooMany(props.maxEndpointsPerUser());
        }
        return new WebhookOutcome.Created(
                new WebhookCreated(new WebhookEndpoint(id, clean, List.copyOf(wanted), now, null), secret));
    }

    public List<WebhookEndpoint> endpoints(long userId) {
        return endpoints.list(userId);
    }

    /** Removes the endpoint (pending deliveries are dropped with it); false when the user has none such. */
    public boolean remove(long userId, String endpointId) {
        return endpoints.delete(userId, endpointId);
    }

    /** The endpoint's recent deliveries, newest first; empty when the user has no such endpoint. */
    public Optional<List<WebhookDelivery>> deliveries(long userId, String endpointId) {
        return endpoints.find(userId, endpointId).map(e -> deliveries.list(e.id(), DELIVERIES_SHOWN));
    }

    /**
     * Sends a delivery again (same {@code webhook-id} and body, a fresh retry window), whatever its
     * state; empty when the user has no such endpoint or delivery.
     */
    public Optional<WebhookDelivery> resend(long userId, String endpointId, String deliveryId) {
        if (endpoints.find(userId, endpointId).isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!deliveries.resend(endpointId, deliveryId, now, now.plus(props.retryWindow()))) {
            return Optional.empty();
        }
        return deliveries.find(endpointId, deliveryId);
    }

    public int maxEndpointsPerUser() {
        return props.maxEndpointsPerUser();
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

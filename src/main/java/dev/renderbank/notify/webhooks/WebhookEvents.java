package dev.renderbank.notify.webhooks;

import dev.renderbank.generation.JobView;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.ledger.Balance;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns one business event into one delivery row per subscribed endpoint, idempotently: the row's
 * key is the event ({@code type|cause}) with the endpoint, so a durable event handler that runs
 * again writes nothing new. The body ({@code {type, timestamp, data}}) is rendered now and kept, so
 * retries and resends carry the same bytes.
 */
@Component
public class WebhookEvents {

    public static final String GENERATION_COMPLETED = "generation.completed";
    public static final String GENERATION_FAILED = "generation.failed";
    /** A failed job's result arrived after all: stored, free of charge (the job stays {@code failed}). */
    public static final String GENERATION_LATE_DELIVERY = "generation.late_delivery";

    public static final String CREDITS_GRANTED = "credits.granted";
    public static final String CREDITS_LOW = "credits.low";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final EndpointStore endpoints;
    private final DeliveryStore deliveries;
    private final WebhookProperties props;
    private final JsonMapper json;
    private final Clock clock;
    private final AccountDeletion accounts;

    WebhookEvents(
            EndpointStore endpoints,
            DeliveryStore deliveries,
            WebhookProperties props,
            JsonMapper json,
            Clock clock,
            AccountDeletion accounts) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.props = props;
        this.json = json;
        this.clock = clock;
        this.accounts = accounts;
    }

    /**
     * Writes the deliveries of one event; returns how many rows this call wrote. One transaction, so
     * the endpoints read stay share-locked until the deliveries are committed (see
     * {@link EndpointStore#subscribers}). Nothing for a deleted account: the deletion commits before
     * any of its consequences is handled, and its endpoints are removed by {@link
     * WebhookHandlers#accountDeletedWebhooks}, which may run after the job failures the deletion causes.
     */
    @Transactional
    public int record(long userId, String type, String cause, Map<String, Object> data) {
        var subscribers = endpoints.subscribers(userId, type);
        if (subscribers.isEmpty() || accounts.isDeleted(userId)) {
            return 0;
        }
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", now.toString());
        body.put("data", data);
        String text = json.writeValueAsString(body);
        int written = 0;
        for (EndpointStore.Subscriber s : subscribers) {
            if (deliveries.insert(
                    newId(), s.id(), userId, type + "|" + cause, type, text, now, now.plus(props.retryWindow()))) {
                written++;
            }
        }
        return written;
    }

    /** Whether any of the user's endpoints wants {@code type} (saves work for users without webhooks). */
    public boolean wanted(long userId, String type) {
        return !endpoints.subscribers(userId, type).isEmpty();
    }

    /**
     * The fields of the status API ({@code GET /api/v1/generations/{taskId}}), as it answers them:
     * every field present, {@code null} while not known; {@code lateDelivery} only when true and
     * {@code lateResultUntil} only when set.
     */
    public static Map<String, Object> generation(JobView j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taskId", j.id());
        m.put("type", j.type().label());
        m.put("model", j.model());
        m.put("status", j.state().status());
        m.put("progress", j.progress());
        m.put("creditsHeld", j.creditsHeld());
        m.put("creditsCharged", j.creditsCharged());
        m.put("assetUrl", j.assetId() == null ? null : "/api/v1/assets/" + j.assetId());
        Map<String, Object> error = null;
        if (j.errorCode() != null) {
            error = new LinkedHashMap<>();
            error.put("code", j.errorCode());
            error.put("message", j.errorMessage());
        }
        m.put("error", error);
        if (j.lateDelivery()) {
            m.put("lateDelivery", true);
        }
        m.put("createdAt", j.createdAt().toString());
        m.put("completedAt", j.completedAt() == null ? null : j.completedAt().toString());
        // what the owner asked for: the endpoint is the owner's own, as the status API answers only them
        m.put("prompt", j.prompt());
        m.put("options", j.options());
        if (j.lateResultUntil() != null) { // as the status API: only on a failed job whose result may still come
            m.put("lateResultUntil", j.lateResultUntil().toString());
        }
        return m;
    }

    /** {@code {balance, held, available, debt, change, reason}} of the credits events. */
    public static Map<String, Object> credits(Balance b, long change, String reason) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("balance", b.balance());
        m.put("held", b.held());
        m.put("available", b.available());
        m.put("debt", b.debt());
        m.put("change", change);
        m.put("reason", reason);
        return m;
    }

    static String newId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "msg_" + HexFormat.of().formatHex(b);
    }
}

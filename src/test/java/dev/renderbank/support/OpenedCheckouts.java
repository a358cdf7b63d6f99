package dev.renderbank.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checkouts as renderbank records them when it opens one: only an opened checkout grants anything
 * (a Stripe Checkout Session by its id, a Creem checkout by its request_id, id or metadata), and only
 * those are looked for by reconciliation.
 */
public final class OpenedCheckouts {

    private static final JsonMapper JSON = JsonMapper.shared();

    private OpenedCheckouts() {}

    /** Records {@code sessionId} as opened for {@code userId} and {@code product}; returns the session id. */
    public static String stripe(JdbcClient jdbc, long userId, String product, String sessionId, Instant at) {
        jdbc.sql("""
                        insert into billing_checkout (id, user_id, product, provider, url, provider_ref, status, created_at)
                        values (:id, :user, :product, 'stripe', :url, :ref, 'OPEN', :at)""")
                .param("id", "chk_" + UUID.randomUUID().toString().replace("-", ""))
                .param("user", userId)
                .param("product", product)
                .param("url", "https://checkout.stripe.com/c/pay/" + sessionId)
                .param("ref", sessionId)
                .param("at", at.atOffset(ZoneOffset.UTC))
                .update();
        return sessionId;
    }

    /**
     * A Creem-format event grants only for a checkout renderbank opened (billing.creem.OpenedCheckouts).
     * Tests that send such an event for a user stand for that checkout: before the event is signed and
     * sent, the checkout it belongs to is opened here as {@code POST /api/v1/checkout} would have opened
     * it, for the user and product the event's metadata names. A {@code checkout.completed} names it by
     * its {@code request_id} (or by Creem's checkout id); a subscription's event gets the {@code
     * checkoutId} renderbank puts in the metadata it sends. Events without a metadata user are returned
     * as they are, nothing opened (a test of a checkout renderbank never opened sends one so). Returns
     * the event to send.
     */
    public static String forCreemEvent(JdbcClient jdbc, String provider, String event) {
        JsonNode root;
        try {
            root = JSON.readTree(event);
        } catch (RuntimeException notJson) {
            return event; // a test of a malformed payload
        }
        String type = root.path("eventType").asString("");
        JsonNode object = root.path("object");
        if (!(object instanceof ObjectNode obj) || !(obj.path("metadata") instanceof ObjectNode metadata)) {
            return event;
        }
        String userId = metadata.path("userId").asString("");
        if (!userId.matches("\\d{1,18}")) {
            return event;
        }
        // a product id with a control character (a test of odd text) is not what the checkout was opened for
        String product = metadata.path("product").asString(productOf(obj)).replaceAll("\\p{Cntrl}", "");
        if (type.equals("checkout.completed")) {
            String requestId = obj.path("request_id").asString("");
            String creemId = obj.path("id").asString("");
            String id = requestId.isBlank() ? "chk_test_" + creemId : requestId;
            insert(jdbc, id, Long.parseLong(userId), product, provider, creemId.isBlank() ? null : creemId);
            return event;
        }
        if (type.startsWith("subscription.") && metadata.path("checkoutId").isMissingNode()) {
            String id = "chk_test_" + obj.path("id").asString("");
            insert(jdbc, id, Long.parseLong(userId), product, provider, null);
            metadata.put("checkoutId", id);
            return JSON.writeValueAsString(root);
        }
        return event;
    }

    /**
     * A Stripe subscription's events grant only when renderbank opened its checkout
     * (billing.stripe.StripeSubscribers): the subscription's metadata names it ({@code checkoutId}),
     * as renderbank's checkout sets it and Stripe copies it into each invoice. Tests that send an
     * {@code invoice.paid} or {@code customer.subscription.*} event whose subscription metadata names a
     * user and no checkout stand for such a subscription: the checkout is opened here for that user
     * (its product: the metadata's, else the built-in price's plan) and named in the metadata. Other
     * events, and events whose metadata names no user, are returned as they are. Returns the event to send.
     */
    public static String forStripeEvent(JdbcClient jdbc, String event) {
        JsonNode root;
        try {
            root = JSON.readTree(event);
        } catch (RuntimeException notJson) {
            return event; // a test of a malformed payload
        }
        String type = root.path("type").asString("");
        JsonNode object = root.path("data").path("object");
        JsonNode metadata;
        String subscription;
        if (type.equals("invoice.paid")) {
            JsonNode details = object.path("parent").path("subscription_details");
            details = details.isObject() ? details : object.path("subscription_details");
            metadata = details.path("metadata");
            subscription = details.path("subscription")
                    .asString(object.path("subscription").asString(""));
        } else if (type.startsWith("customer.subscription.")) {
            metadata = object.path("metadata");
            subscription = object.path("id").asString("");
        } else {
            return event;
        }
        String userId = metadata.path("userId").asString("");
        if (!(metadata instanceof ObjectNode meta)
                || !userId.matches("\\d{1,18}")
                || !meta.path("checkoutId").isMissingNode()
                || subscription.isBlank()) {
            return event;
        }
        String price = object.toString().replaceAll("(?s).*?\"(price_local_[a-z0-9-]+)\".*", "$1");
        String product = meta.path("product")
                .asString(price.startsWith("price_local_") ? price.substring("price_local_".length()) : "pro-monthly");
        meta.put("checkoutId", stripeSubscription(jdbc, Long.parseLong(userId), product, subscription));
        return JSON.writeValueAsString(root);
    }

    /**
     * The checkout renderbank opened for {@code userId} that Stripe subscription {@code subscription}
     * came from (opened once per subscription); returns its id, what the subscription's metadata names.
     */
    public static String stripeSubscription(JdbcClient jdbc, long userId, String product, String subscription) {
        String id = "chk_test_" + subscription;
        insert(jdbc, id, userId, product, "stripe", null);
        return id;
    }

    /** The catalogue id of a built-in Creem product id ({@code prod_local_<id>}), else the id itself. */
    private static String productOf(JsonNode obj) {
        String creem = obj.path("product").isObject()
                ? obj.path("product").path("id").asString("")
                : obj.path("product").asString("");
        return creem.startsWith("prod_local_") ? creem.substring("prod_local_".length()) : creem;
    }

    private static void insert(JdbcClient jdbc, String id, long userId, String product, String provider, String ref) {
        jdbc.sql("""
                        insert into billing_checkout (id, user_id, product, provider, provider_ref, status, created_at)
                        values (:id, :user, :product, :provider, :ref, 'OPEN', :now)
                        on conflict (id) do nothing""")
                .param("id", id)
                .param("user", userId)
                .param("product", product)
                .param("provider", provider)
                .param("ref", ref)
                .param("now", java.sql.Timestamp.from(Instant.now()))
                .update();
    }
}

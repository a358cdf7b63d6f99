package dev.renderbank.billing.simulated;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.Subscription;
import dev.renderbank.billing.core.WebhookIntake;
import dev.renderbank.billing.db.CheckoutStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the events Creem would send for a paid checkout and hands them to the {@link
 * WebhookIntake}, inside the process, as provider {@code simulated}: stored (unique per event id),
 * then processed like any verified webhook by {@link SimulatedEvents}. Nothing is signed, so no provider secret is ever used for a payment nobody
 * made, and nothing leaves the process that a real provider endpoint could be fed. Event and
 * order ids derive from the checkout id, so paying twice is a replay that the dedupe absorbs. A
 * plan's subscription id is {@link Subscription#SIMULATED_ID_PREFIX} and the checkout id: recorded as
 * Creem's, it is told apart by that once payments are real (cancelled locally, no longer one plan at
 * a time, not asked about at Creem).
 */
@Component
@Conditional(SimulatedPayments.class)
class SimulatedWebhooks {

    /**
     * {@code outcomes}: the intake's answer per event (processed, duplicate, stored-for-retry);
     * {@code failure}: why the intake stopped before the last event, if it did.
     */
    record Delivery(List<String> events, List<String> outcomes, Optional<String> failure) {
        boolean ok() {
            return failure.isEmpty()
                    && outcomes.size() == events.size()
                    && outcomes.stream().noneMatch(o -> o.equals("stored-for-retry"));
        }
    }

    private final JsonMapper json;
    private final WebhookIntake intake;

    SimulatedWebhooks(JsonMapper json, WebhookIntake intake) {
        this.json = json;
        this.intake = intake;
    }

    Delivery pay(CheckoutStore.Checkout checkout, Product product, String email, Instant now, Instant periodEnd) {
        List<String> payloads = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (ObjectNode e : events(checkout.id(), checkout.userId(), product, email, now, periodEnd)) {
            payloads.add(json.writeValueAsString(e));
            names.add(e.path("eventType").asString());
            ids.add(e.path("id").asString());
        }
        return deliver(names, ids, payloads);
    }

    /**
     * The events Creem would send for checkout {@code checkoutId} of {@code product} paid at {@code now}:
     * checkout.completed, and for a plan its first subscription.paid (paid until {@code periodEnd}), its
     * subscription recorded as Creem's with id {@link Subscription#SIMULATED_ID_PREFIX} + the checkout id.
     */
    static List<ObjectNode> events(
            String checkoutId, long userId, Product product, String email, Instant now, Instant periodEnd) {
        String id = checkoutId;
        List<ObjectNode> events = new ArrayList<>();
        ObjectNode completed = event("sim_evt_" + id + "_checkout", "checkout.completed", now);
        ObjectNode obj = completed.putObject("object");
        obj.put("id", "sim_ch_" + id)
                .put("object", "checkout")
                .put("request_id", id)
                .put("status", "completed");
        obj.putObject("order")
                .put("id", "sim_ord_" + id)
                .put("product", product.creemProductId())
                .put("amount", product.priceMinor())
                .put("currency", product.currency())
                .put("status", "paid")
                .put("type", product.isPlan() ? "recurring" : "onetime");
        obj.putObject("product").put("id", product.creemProductId()).put("price", product.priceMinor());
        obj.putObject("customer").put("email", email);
        metadata(obj, userId, product, id);
        if (product.isPlan()) {
            obj.putObject("subscription")
                    .put("id", Subscription.SIMULATED_ID_PREFIX + id)
                    .put("status", "active");
        }
        events.add(completed);
        if (product.isPlan()) {
            ObjectNode paid = event("sim_evt_" + id + "_paid", "subscription.paid", now);
            ObjectNode sub = paid.putObject("object");
            sub.put("id", Subscription.SIMULATED_ID_PREFIX + id)
                    .put("object", "subscription")
                    .put("status", "active");
            sub.putObject("product").put("id", product.creemProductId());
            sub.putObject("customer").put("email", email);
            sub.put("last_transaction_id", "sim_txn_" + id);
            sub.putObject("last_transaction")
                    .put("id", "sim_txn_" + id)
                    .put("order", "sim_ord_" + id)
                    .put("amount", product.priceMinor())
                    .put("currency", product.currency());
            sub.put("current_period_start_date", now.toString());
            sub.put("current_period_end_date", periodEnd.toString());
            metadata(sub, userId, product, id);
            events.add(paid);
        }
        return events;
    }

    private static void metadata(ObjectNode obj, long userId, Product product, String checkoutId) {
        obj.putObject("metadata")
                .put("userId", Long.toString(userId))
                .put("product", product.id())
                .put("checkoutId", checkoutId);
    }

    private static ObjectNode event(String id, String type, Instant at) {
        ObjectNode e = JsonMapper.shared().createObjectNode();
        e.put("id", id).put("eventType", type).put("created_at", at.toEpochMilli());
        return e;
    }

    private Delivery deliver(List<String> names, List<String> ids, List<String> payloads) {
        List<String> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < payloads.size(); i++) {
                outcomes.add(intake.receive(SimulatedEvents.PROVIDER, ids.get(i), names.get(i), payloads.get(i))
                        .status());
            }
        } catch (RuntimeException e) {
            return new Delivery(names, outcomes, Optional.of("the webhook intake failed: " + e.getMessage()));
        }
        return new Delivery(names, outcomes, Optional.empty());
    }
}

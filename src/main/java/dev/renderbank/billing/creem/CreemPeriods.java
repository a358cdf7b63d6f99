package dev.renderbank.billing.creem;

import dev.renderbank.billing.Product;
import dev.renderbank.billing.ProductCatalog;
import dev.renderbank.billing.ProviderPayment;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.core.PaymentLookup.AsEvent;
import dev.renderbank.billing.core.Purchases;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * A Creem subscription as {@code GET /v1/subscriptions?subscription_id=} answers it, read as the
 * period its {@code subscription.paid} webhook records. Creem's API returns the subscription as it is
 * now, so the one period that can be compared and fed again is the current one
 * ({@code current_period_start_date} … {@code current_period_end_date}); it counts as paid when the
 * subscription's last paid transaction ({@code last_transaction}, status {@code paid}) pays that
 * period ({@code period_start}, epoch milliseconds), or, without that object, when the last
 * transaction date falls in it. The purchase key is the webhook's (subscription and period start),
 * so a repair and the late webhook record the period once.
 */
@Component
class CreemPeriods {

    static final String SUBSCRIPTION = "subscription";

    private final ProductCatalog catalog;

    CreemPeriods(ProductCatalog catalog) {
        this.catalog = catalog;
    }

    /** The subject of a finding about one period: subscription id and period start (epoch seconds). */
    static String objectId(String subscriptionId, Instant periodStart) {
        return subscriptionId + ":" + periodStart.getEpochSecond();
    }

    /**
     * The subscription's current period if Creem reports it paid, as the purchase its webhook records;
     * {@code kind} and {@code objectId} name the finding's subject (the subscription, or the checkout
     * that started it), {@code userId} whom it is for when known here.
     */
    Optional<ProviderPayment> paidPeriod(JsonNode sub, String kind, String objectId, String userId) {
        String subId = Json.text(sub, "id");
        Instant start = Json.time(sub, "current_period_start_date");
        Instant end = Json.time(sub, "current_period_end_date");
        Optional<Product> plan = CreemEvents.product(catalog, sub).filter(Product::isPlan);
        if (subId == null || start == null || end == null || !end.isAfter(start) || plan.isEmpty()) {
            return Optional.empty();
        }
        if (!paysCurrentPeriod(sub, start)) {
            return Optional.empty();
        }
        Long amount = Optional.ofNullable(Json.number(sub, "last_transaction", "amount_paid"))
                .orElse(Json.number(sub, "last_transaction", "amount"));
        Instant paidAt =
                Optional.ofNullable(Json.time(sub, "last_transaction_date")).orElse(start);
        return Optional.of(new ProviderPayment(
                "creem",
                kind,
                objectId != null ? objectId : objectId(subId, start),
                Purchases.periodKey("creem", subId, start),
                userId,
                plan.get().id(),
                amount,
                Json.text(sub, "last_transaction", "currency"),
                paidAt,
                sub.toString()));
    }

    /**
     * The period fed again as the {@code subscription.paid} its webhook carries, under the repair's own
     * event id, dated {@code readAt} (when Creem was read: its status is as of then).
     */
    static AsEvent asEvent(JsonNode sub, ProviderPayment period, List<AsEvent> first, Instant readAt) {
        Instant start = Json.time(sub, "current_period_start_date");
        String eventId = "reconcile:" + SUBSCRIPTION + ":" + objectId(Json.text(sub, "id"), start);
        String payload = "{\"id\":\"" + eventId + "\",\"eventType\":\"subscription.paid\",\"created_at\":"
                + readAt.toEpochMilli() + ",\"object\":" + sub + "}";
        return new AsEvent(eventId, "subscription.paid", payload, period, first);
    }

    private static boolean paysCurrentPeriod(JsonNode sub, Instant start) {
        JsonNode last = sub.path("last_transaction");
        if (last.isObject()) {
            String status = Json.text(last, "status");
            Long periodStart = Json.number(last, "period_start");
            return (status == null || "paid".equals(status))
                    && (periodStart == null
                            || Instant.ofEpochMilli(periodStart).getEpochSecond() == start.getEpochSecond());
        }
        String status = Json.text(sub, "status");
        Instant lastPaid = Json.time(sub, "last_transaction_date");
        return ("active".equals(status) || "scheduled_cancel".equals(status))
                && lastPaid != null
                && !lastPaid.isBefore(start);
    }
}

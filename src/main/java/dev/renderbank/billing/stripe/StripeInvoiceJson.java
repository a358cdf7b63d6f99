package dev.renderbank.billing.stripe;

import dev.renderbank.billing.core.Json;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What a Stripe invoice's JSON says about the subscription period it pays, in both the shapes
 * before API 2025-03-31 and since: its subscription and metadata, the line of its period, its
 * prorations and the purchase key it is recorded under. Reads the JSON only.
 */
final class StripeInvoiceJson {

    private StripeInvoiceJson() {}

    /** Whether the invoice credits unused time back: a proration line of a negative amount. */
    static boolean creditsUnusedTime(JsonNode inv) {
        for (JsonNode line : inv.path("lines").path("data")) {
            Long amount = Json.number(line, "amount");
            if (proration(line) && amount != null && amount < 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * The end of the period whose unused time the invoice credits back: Stripe's "Unused time on …"
     * line runs from the switch to that period's end. Of several credit lines (prorations of an earlier
     * change in the period, left pending until this invoice) the one starting last, this switch's;
     * null if none says. Two switches in one month credit two periods: the second's share is of the
     * first switch's month, whichever invoice.paid comes first.
     */
    static Instant creditedEnd(JsonNode inv) {
        Instant latestStart = null;
        Instant end = null;
        for (JsonNode line : inv.path("lines").path("data")) {
            Long amount = Json.number(line, "amount");
            Instant from = Json.time(line, "period", "start");
            Instant to = Json.time(line, "period", "end");
            if (proration(line) && amount != null && amount < 0 && from != null && to != null) {
                if (latestStart == null || from.isAfter(latestStart)) {
                    latestStart = from;
                    end = to;
                }
            }
        }
        return end;
    }

    /** The subscription an invoice is for (its 2025+ place under parent, else the older top-level one). */
    static String subscriptionId(JsonNode inv) {
        return Optional.ofNullable(Json.id(inv, "subscription"))
                .orElse(Json.id(inv, "parent", "subscription_details", "subscription"));
    }

    /** The subscription's metadata as the invoice copies it (2025+ under parent, else the older place). */
    static JsonNode subscriptionMetadata(JsonNode inv) {
        JsonNode newMeta = inv.path("parent").path("subscription_details").path("metadata");
        return newMeta.isObject() ? newMeta : inv.path("subscription_details").path("metadata");
    }

    /**
     * The purchase key {@link StripeInvoices#paid} records a paid invoice under ({@code stripe:period:<sub>:<start>}),
     * empty where it records none (not a subscription's, not a period, not paid, free): reconciliation
     * asks whether each paid invoice at Stripe is recorded here by this key.
     */
    static Optional<String> periodKey(JsonNode inv) {
        String subId = subscriptionId(inv);
        String reason = Json.text(inv, "billing_reason");
        Optional<JsonNode> periodLine = periodLine(inv);
        boolean period = "subscription_create".equals(reason)
                || "subscription_cycle".equals(reason)
                || ("subscription_update".equals(reason) && periodLine.isPresent());
        if (subId == null || !period || !"paid".equals(Json.text(inv, "status"))) {
            return Optional.empty();
        }
        JsonNode line = periodLine.orElseGet(() -> firstLine(inv));
        Long total = Optional.ofNullable(Json.number(inv, "total")).orElse(Json.number(inv, "amount_due"));
        long price = Math.max(
                Optional.ofNullable(total).orElse(0L),
                Math.max(
                        Optional.ofNullable(Json.number(inv, "subtotal")).orElse(0L),
                        Optional.ofNullable(Json.number(line, "amount")).orElse(0L)));
        Instant start = Optional.ofNullable(Json.time(line, "period", "start")).orElse(Json.time(inv, "period_start"));
        if (price <= 0 || start == null) {
            return Optional.empty();
        }
        return Optional.of("stripe:period:" + subId + ":" + start.getEpochSecond());
    }

    /** The line of the subscription's (new) period: a subscription item's line that is not a proration. */
    static Optional<JsonNode> periodLine(JsonNode inv) {
        for (JsonNode line : inv.path("lines").path("data")) {
            boolean subscriptionItem = "subscription".equals(Json.text(line, "type"))
                    || line.path("parent").path("subscription_item_details").isObject();
            if (subscriptionItem && !proration(line)) {
                return Optional.of(line);
            }
        }
        return Optional.empty();
    }

    /** Proration flag of a line: on the line before API 2025-03-31, under its parent's details since. */
    private static boolean proration(JsonNode line) {
        return line.path("proration").asBoolean(false)
                || line.path("parent")
                        .path("subscription_item_details")
                        .path("proration")
                        .asBoolean(false)
                || line.path("parent")
                        .path("invoice_item_details")
                        .path("proration")
                        .asBoolean(false);
    }

    static JsonNode firstLine(JsonNode inv) {
        JsonNode first = inv.path("lines").path("data").path(0);
        return first.isMissingNode() ? inv.path("lines") : first;
    }
}

package dev.renderbank.billing.db;

import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The amount a stored payment webhook names, for operators reading a user's payments: Stripe keeps
 * the event's object under {@code data.object}, Creem under {@code object}; the amount is the
 * object's own (amount paid, total, refunded or plain) or its transaction's or order's. Read only to
 * be shown: nothing is decided by it.
 */
final class EventAmount {

    record Amount(Long minor, String currency) {
        static final Amount NONE = new Amount(null, null);
    }

    private static final JsonMapper JSON = JsonMapper.shared();

    private static final List<String> NESTED = List.of("last_transaction", "transaction", "order");

    private static final List<String> FIELDS = List.of("amount_paid", "amount_total", "refund_amount", "amount");

    private EventAmount() {}

    static Amount of(String payload) {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (JacksonException e) {
            return Amount.NONE;
        }
        JsonNode object = root.path("data").path("object");
        if (!object.isObject()) {
            object = root.path("object");
        }
        if (!object.isObject()) {
            return Amount.NONE;
        }
        Amount own = in(object, object);
        if (own.minor() != null) {
            return own;
        }
        for (String name : NESTED) {
            JsonNode nested = object.path(name);
            if (nested.isObject()) {
                Amount found = in(nested, object);
                if (found.minor() != null) {
                    return found;
                }
            }
        }
        return Amount.NONE;
    }

    private static Amount in(JsonNode node, JsonNode object) {
        for (String field : FIELDS) {
            JsonNode n = node.path(field);
            if (n.isIntegralNumber() && n.canConvertToLong()) {
                JsonNode currency = node.path("currency").isString() ? node.path("currency") : object.path("currency");
                return new Amount(
                        n.asLong(), currency.isString() ? currency.asString().toUpperCase(Locale.ROOT) : null);
            }
        }
        return Amount.NONE;
    }
}

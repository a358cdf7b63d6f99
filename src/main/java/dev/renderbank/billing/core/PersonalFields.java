package dev.renderbank.billing.core;

import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The buyer's personal data in a payment provider's event: the address, name, phone and postal
 * address the providers send back (Creem's {@code customer}, Stripe's {@code customer_details},
 * {@code billing_details}, {@code customer_email} …). {@link #erase} makes each of them {@value
 * #ERASED}; ids, amounts, currencies, statuses and metadata stay, so an erased event can still be
 * read, reprocessed and reconciled.
 */
public final class PersonalFields {

    public static final String ERASED = "erased";

    /** Fields that hold personal data wherever they are. */
    private static final Set<String> PERSONAL = Set.of(
            "email",
            "customer_email",
            "receipt_email",
            "customer_name",
            "customer_phone",
            "customer_address",
            "customer_shipping",
            "customer_tax_ids",
            // a Stripe dispute's evidence, pre-filled from the charge
            "customer_email_address",
            "customer_purchase_ip",
            "billing_address",
            "shipping_address");

    /** Objects that describe the buyer: their name, phone and postal address are personal too. */
    private static final Set<String> BUYER =
            Set.of("customer", "customer_details", "billing_details", "shipping", "shipping_details", "owner");

    private static final Set<String> BUYER_PERSONAL = Set.of("name", "phone", "address");

    private PersonalFields() {}

    /** Erases the personal fields of an event's JSON in place; whether anything changed. Idempotent. */
    public static boolean erase(JsonNode event) {
        return erase(event, false);
    }

    /** Erases the personal fields under {@code node}; {@code buyer}: node describes the buyer. Whether anything changed. */
    private static boolean erase(JsonNode node, boolean buyer) {
        boolean changed = false;
        if (node instanceof ObjectNode o) {
            for (String field : Set.copyOf(o.propertyNames())) {
                JsonNode value = o.get(field);
                if (PERSONAL.contains(field) || (buyer && BUYER_PERSONAL.contains(field))) {
                    changed |= eraseAll(o, field, value);
                } else {
                    changed |= erase(value, BUYER.contains(field));
                }
            }
        } else if (node != null && node.isArray()) {
            for (JsonNode element : node) {
                changed |= erase(element, buyer);
            }
        }
        return changed;
    }

    /** Every text under {@code value} (the field itself if it is one) becomes {@value #ERASED}. */
    private static boolean eraseAll(ObjectNode parent, String field, JsonNode value) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (value.isString()) {
            if (value.stringValue().equals(ERASED)) {
                return false;
            }
            parent.put(field, ERASED);
            return true;
        }
        boolean changed = false;
        if (value instanceof ObjectNode o) {
            for (String f : Set.copyOf(o.propertyNames())) {
                changed |= eraseAll(o, f, o.get(f));
            }
        } else if (value.isArray()) {
            for (JsonNode element : value) {
                if (element instanceof ObjectNode eo) {
                    for (String f : Set.copyOf(eo.propertyNames())) {
                        changed |= eraseAll(eo, f, eo.get(f));
                    }
                }
            }
        }
        return changed;
    }
}

package dev.renderbank.billing;

import dev.renderbank.billing.db.EventPersonalData;
import dev.renderbank.billing.db.EventPersonalData.Payload;
import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.platform.DurableEventHandler;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A deleted account's personal data in the stored payment webhooks: the providers send back the
 * buyer's address, name, phone and postal address (Creem's {@code customer}, Stripe's {@code
 * customer_details}, {@code billing_details}, {@code customer_email} …), and the raw payloads are kept
 * for the books and for reprocessing. The payment records stay; these fields of the account's events
 * ({@link EventPersonalData#naming}) become {@value #ERASED}. Ids, amounts, currencies, statuses and
 * metadata stay, so an event can still be read, reprocessed and reconciled. Idempotent: a retry (or
 * an event stored later and erased by an operator's repeat) finds nothing left to erase.
 */
@Component
class AccountDeletedPaymentRecords implements DurableEventHandler<AccountDeleted> {

    static final String ERASED = "erased";

    private static final Logger log = LoggerFactory.getLogger(AccountDeletedPaymentRecords.class);

    /** Fields that hold personal data wherever they are. */
    private static final Set<String> PERSONAL = Set.of(
            "email",
            "customer_email",
            "receipt_email",
            "customer_name",
            "customer_phone",
            "customer_address",
            "customer_shipping",
            "customer_tax_ids");

    /** Objects that describe the buyer: their name, phone and postal address are personal too. */
    private static final Set<String> BUYER =
            Set.of("customer", "customer_details", "billing_details", "shipping", "shipping_details", "owner");

    private static final Set<String> BUYER_PERSONAL = Set.of("name", "phone", "address");

    private final EventPersonalData events;
    private final JsonMapper json;

    AccountDeletedPaymentRecords(EventPersonalData events, JsonMapper json) {
        this.events = events;
        this.json = json;
    }

    @Override
    public String name() {
        return "billing.account-deleted-payment-records";
    }

    @Override
    public Class<AccountDeleted> eventType() {
        return AccountDeleted.class;
    }

    @Override
    public void handle(AccountDeleted event) {
        int erased = 0;
        for (Payload p : events.naming(events.marks(event.userId()))) {
            JsonNode tree;
            try {
                tree = json.readTree(p.payload());
            } catch (RuntimeException unreadable) {
                log.warn("payment event {} of deleted account {} is not JSON; left as it is", p.id(), event.userId());
                continue;
            }
            if (erase(tree, false) && events.replace(p, json.writeValueAsString(tree))) {
                erased++;
            }
        }
        log.info("account {} deleted: personal data erased from {} stored payment event(s)", event.userId(), erased);
    }

    /** Erases the personal fields under {@code node}; {@code buyer}: node describes the buyer. Whether anything changed. */
    static boolean erase(JsonNode node, boolean buyer) {
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

package dev.renderbank.billing.core;

import dev.renderbank.billing.db.EventPersonalData;
import dev.renderbank.billing.db.EventPersonalData.Payload;
import dev.renderbank.billing.db.PaymentEventStore;
import dev.renderbank.identity.AccountDeletion;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A deleted account's address, name, phone and postal address stay out of the stored payment
 * webhooks ({@link PersonalFields}), also out of those that arrive after the deletion: the cancelled
 * plan's {@code subscription.canceled}, a refund or dispute made later, a renewal's invoice. The
 * deletion erases the events stored by then ({@link #erase}); an event that names an account deleted
 * already is stored erased ({@link #asStored}); one whose account is known only once it is applied
 * (a retry after its purchase was recorded, or an account deleted while it waited) is erased in the
 * transaction that applies it ({@link #afterApplied}). An event names an account as the deletion
 * finds them ({@link EventPersonalData#marks}): its id as {@code userId} or {@code
 * client_reference_id}, or a provider id of one of its purchases, subscriptions or checkouts.
 */
@Component
public class DeletedAccountEvents {

    private static final Logger log = LoggerFactory.getLogger(DeletedAccountEvents.class);

    /** Fields whose value is an account's id. */
    private static final Set<String> ACCOUNT_FIELDS = Set.of("userId", "client_reference_id");

    /** Longer texts are no provider's id (descriptions, URLs): not looked up. */
    private static final int LONGEST_ID = 255;

    private final EventPersonalData events;
    private final AccountDeletion accounts;
    private final JsonMapper json;

    DeletedAccountEvents(EventPersonalData events, AccountDeletion accounts, JsonMapper json) {
        this.events = events;
        this.accounts = accounts;
        this.json = json;
    }

    /**
     * The deletion's: erases the personal fields of one stored event of the deleted account unless it
     * changed since it was read; whether anything was erased.
     */
    public boolean erase(Payload stored) {
        Optional<JsonNode> tree = tree(stored.payload());
        if (tree.isEmpty()) {
            log.warn("payment event {} is not JSON; its personal data, if any, is left as it is", stored.id());
            return false;
        }
        return PersonalFields.erase(tree.get()) && events.replace(stored, json.writeValueAsString(tree.get()));
    }

    /**
     * A verified event's payload as it is stored: erased if it names an account deleted already,
     * otherwise as it arrived (byte for byte).
     */
    public String asStored(String payload) {
        Optional<JsonNode> tree = tree(payload);
        if (tree.isEmpty() || named(tree.get()).stream().noneMatch(accounts::isDeleted)) {
            return payload;
        }
        return PersonalFields.erase(tree.get()) ? json.writeValueAsString(tree.get()) : payload;
    }

    /**
     * After an event was applied, in its transaction (the event's row locked): its personal fields
     * are erased if it names a deleted account. Every live account it names stays undeleted until the
     * transaction ends, so a deletion after it finds the event by the ids this transaction recorded.
     */
    void afterApplied(PaymentEventStore.Stored event) {
        Optional<JsonNode> tree = tree(event.payload());
        if (tree.isEmpty()) {
            return;
        }
        boolean deleted = false;
        for (long user : named(tree.get())) {
            deleted |= !accounts.keepUndeletedUntilCommit(user) && accounts.isDeleted(user);
        }
        if (deleted
                && PersonalFields.erase(tree.get())
                && events.replace(new Payload(event.id(), event.payload()), json.writeValueAsString(tree.get()))) {
            log.info("payment event {} names a deleted account: its personal data erased", event.id());
        }
    }

    private Optional<JsonNode> tree(String payload) {
        try {
            return Optional.of(json.readTree(payload));
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** The accounts {@code tree} names: by their id, or by a provider id of what they bought. */
    private Set<Long> named(JsonNode tree) {
        Set<String> ids = new LinkedHashSet<>();
        Set<Long> accountIds = new LinkedHashSet<>();
        collect(tree, ids, accountIds);
        accountIds.addAll(events.owners(ids));
        return accountIds;
    }

    private static void collect(JsonNode node, Set<String> ids, Set<Long> accountIds) {
        if (node instanceof ObjectNode o) {
            for (String field : o.propertyNames()) {
                JsonNode value = o.get(field);
                if (ACCOUNT_FIELDS.contains(field)) {
                    accountId(value).ifPresent(accountIds::add);
                }
                collect(value, ids, accountIds);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                collect(element, ids, accountIds);
            }
        } else if (node.isString()) {
            String text = node.stringValue();
            if (!text.isBlank() && text.length() <= LONGEST_ID && storable(text)) {
                ids.add(text);
            }
        }
    }

    /**
     * No provider's id holds a control character or a surrogate, and a NUL ({@link Json.UnusableText})
     * is a text PostgreSQL refuses even to look up: such a text is not looked for.
     */
    private static boolean storable(String text) {
        return text.chars().noneMatch(c -> Character.isISOControl(c) || Character.isSurrogate((char) c));
    }

    private static Optional<Long> accountId(JsonNode value) {
        if (value.isIntegralNumber()) {
            return Optional.of(value.longValue());
        }
        if (value.isString()) {
            try {
                return Optional.of(Long.parseLong(value.stringValue().trim()));
            } catch (NumberFormatException notAnAccount) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}

package dev.renderbank.billing.creem;

import dev.renderbank.billing.core.CheckoutGateway.Unavailable;
import dev.renderbank.billing.core.Json;
import dev.renderbank.billing.db.PaymentEventStore;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The transaction a Creem {@code subscription.paid} names by id only. Creem's published sample of the
 * event carries {@code last_transaction_id} and no {@code last_transaction} object, and a renewal is
 * judged on its transaction (amount before tax, currency: {@link CreemRenewalTerms}), so it is read
 * from Creem ({@code GET /v1/transactions?transaction_id=}, "Get a transaction by ID" of Creem's API
 * reference) before the event's database transaction opens, within {@link CreemApi}'s connect and read
 * times, and put into the subscription as its {@code last_transaction} when the event is handled. Creem
 * out of reach (or answering something else than that transaction) throws: the event is retried, and
 * nothing is granted on the catalogue's price meanwhile.
 */
@Component
class CreemRenewalTransaction {

    static final String PAID = "subscription.paid";

    private final CreemApi api;
    private final JsonMapper json;

    CreemRenewalTransaction(CreemApi api, JsonMapper json) {
        this.api = api;
        this.json = json;
    }

    /**
     * The id of the transaction {@code sub} (a {@code subscription.paid} object) names without giving
     * it: its {@code last_transaction_id}, or {@code last_transaction} when that is an id, not an object;
     * null when it gives its transaction, or names none.
     */
    static String namedOnly(JsonNode sub) {
        if (sub.path("last_transaction").isObject()) {
            return null;
        }
        return Optional.ofNullable(Json.text(sub, "last_transaction_id")).orElse(Json.text(sub, "last_transaction"));
    }

    /** The transaction a stored {@code subscription.paid} names by id only, as Creem reports it. */
    Optional<JsonNode> fetch(PaymentEventStore.Stored event) {
        if (!PAID.equals(event.type())) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = json.readTree(event.payload());
        } catch (JacksonException e) {
            return Optional.empty(); // handled in the transaction: unprocessable
        }
        String id = namedOnly(root.path("object"));
        if (id == null) {
            return Optional.empty();
        }
        Optional<JsonNode> txn = api.read("/v1/transactions", "transaction_id", id);
        if (txn.isPresent() && !Objects.equals(id, Json.text(txn.get(), "id"))) {
            throw new Unavailable(
                    "Creem answered GET /v1/transactions?transaction_id=" + id
                            + " with another object than that transaction",
                    null);
        }
        return txn;
    }

    /** {@code event} with {@code transaction} as its subscription's {@code last_transaction}. */
    PaymentEventStore.Stored with(PaymentEventStore.Stored event, JsonNode transaction) {
        JsonNode root;
        try {
            root = json.readTree(event.payload());
        } catch (JacksonException e) {
            return event;
        }
        if (!(root.path("object") instanceof ObjectNode sub)) {
            return event;
        }
        sub.set("last_transaction", transaction);
        return new PaymentEventStore.Stored(
                event.id(),
                event.provider(),
                event.eventId(),
                event.type(),
                json.writeValueAsString(root),
                event.attempts());
    }
}

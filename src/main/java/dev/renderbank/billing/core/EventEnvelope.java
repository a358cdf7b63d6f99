package dev.renderbank.billing.core;

import dev.renderbank.billing.db.PaymentEventStore;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a provider's webhook envelope keeps the event's object and the time the provider stamped on
 * it. The rest of handling an event is the same for every provider, so it is written once here
 * ({@link #dispatch}): each adapter states its envelope and its table of {@link EventKind}s.
 *
 * @param object the event's object inside the parsed payload
 * @param stamped the provider's time of the event, when the payload carries one
 */
public record EventEnvelope(Function<JsonNode, JsonNode> object, Function<JsonNode, Optional<Instant>> stamped) {

    /**
     * Parses the stored payload and hands its object and time to the kind {@code kinds} maps its type
     * to. A payload that is not JSON is unprocessable; a type not in the table is acknowledged and
     * ignored; an event without a time of its own takes the clock's.
     */
    public <A> Outcome dispatch(
            A adapter, Map<String, EventKind<A>> kinds, JsonMapper json, PaymentEventStore.Stored event, Clock clock) {
        JsonNode root;
        try {
            root = json.readTree(event.payload());
        } catch (JacksonException e) {
            return new Outcome.Unprocessable("payload is not JSON");
        }
        EventKind<A> kind = kinds.get(event.type());
        if (kind == null) {
            return new Outcome.Ignored("event type " + event.type() + " is not used");
        }
        Instant at = stamped.apply(root).orElseGet(clock::instant);
        return kind.handle(adapter, object.apply(root), at);
    }
}

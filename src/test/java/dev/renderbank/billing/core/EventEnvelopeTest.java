package dev.renderbank.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.db.PaymentEventStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The dispatch every payment adapter shares: one envelope per provider, one table of kinds. */
class EventEnvelopeTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** An envelope like Stripe's: the object under data.object, the time in epoch seconds. */
    private static final EventEnvelope ENVELOPE = new EventEnvelope(
            root -> root.path("data").path("object"),
            root -> Optional.ofNullable(Json.number(root, "created")).map(Instant::ofEpochSecond));

    /** The adapter the kinds get: here it records what it was handed. */
    static final class Seen {
        String id;
        Instant at;
    }

    private static final Map<String, EventKind<Seen>> KINDS = Map.of("thing.done", (seen, object, at) -> {
        seen.id = Json.text(object, "id");
        seen.at = at;
        return new Outcome.Processed("done " + seen.id);
    });

    private static PaymentEventStore.Stored event(String type, String payload) {
        return new PaymentEventStore.Stored(1, "test", "evt_1", type, payload, 0);
    }

    @Test
    void aKnownTypeGetsTheEnvelopesObjectAndTheProvidersTime() {
        Seen seen = new Seen();

        Outcome outcome = ENVELOPE.dispatch(
                seen,
                KINDS,
                JSON,
                event("thing.done", "{\"created\": 1700000000, \"data\": {\"object\": {\"id\": \"x1\"}}}"),
                CLOCK);

        assertThat(outcome).isEqualTo(new Outcome.Processed("done x1"));
        assertThat(seen.id).isEqualTo("x1");
        assertThat(seen.at).isEqualTo(Instant.ofEpochSecond(1700000000));
    }

    @Test
    void anEventWithoutItsOwnTimeTakesTheClocks() {
        Seen seen = new Seen();

        ENVELOPE.dispatch(seen, KINDS, JSON, event("thing.done", "{\"data\": {\"object\": {\"id\": \"x2\"}}}"), CLOCK);

        assertThat(seen.at).isEqualTo(NOW);
    }

    @Test
    void aTypeNotInTheTableIsIgnoredAndNoKindRuns() {
        Seen seen = new Seen();

        Outcome outcome = ENVELOPE.dispatch(seen, KINDS, JSON, event("thing.other", "{\"data\": {}}"), CLOCK);

        assertThat(outcome).isEqualTo(new Outcome.Ignored("event type thing.other is not used"));
        assertThat(seen.id).isNull();
    }

    @Test
    void aPayloadThatIsNotJsonIsUnprocessable() {
        Seen seen = new Seen();

        Outcome outcome = ENVELOPE.dispatch(seen, KINDS, JSON, event("thing.done", "not json"), CLOCK);

        assertThat(outcome).isEqualTo(new Outcome.Unprocessable("payload is not JSON"));
        assertThat(seen.id).isNull();
    }
}

package dev.renderbank.billing.core;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * How a provider adapter handles one event type: the event's object and the time the provider
 * stamped on it, to an outcome. Each adapter maps its event types to these in one table, so the
 * types it handles are listed in one place and any other type is acknowledged and ignored.
 *
 * @param <A> the adapter, whose collaborators the handling uses
 */
@FunctionalInterface
public interface EventKind<A> {

    Outcome handle(A adapter, JsonNode object, Instant at);
}

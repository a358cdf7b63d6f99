package dev.renderbank.platform;

/**
 * Acts on one kind of {@link DurableEvent} after its transaction committed, on some node, at least
 * once: a handler must be idempotent by the event's key (a crash after its work and before the
 * task is marked done runs it again). Throwing means "try again later" (with backoff); a handler
 * that can never succeed should record that and return.
 */
public interface DurableEventHandler<E extends DurableEvent> {

    /** Stable name (e.g. {@code billing.signup-bonus}); part of the stored task key, never rename lightly. */
    String name();

    Class<E> eventType();

    void handle(E event);
}

package dev.renderbank.platform;

/**
 * Something that happened in a committed business transaction and that other modules act on (a
 * bonus, an email, a client webhook). Published with {@link DurableEvents#publish} inside that
 * transaction, so it is stored with the change or not at all. Events are records serialised as JSON.
 */
public interface DurableEvent {

    /**
     * Identifies this occurrence (e.g. {@code email-verified:42}): together with a handler's name it is
     * the key that makes a repeated publication schedule nothing new while the first is pending.
     */
    String key();
}

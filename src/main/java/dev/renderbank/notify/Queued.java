package dev.renderbank.notify;

/** What asking for an email did. */
public enum Queued {
    /** A new outbox row was written. */
    QUEUED,
    /** The same cause had already queued this email for this recipient: nothing new. */
    ALREADY_QUEUED,
    /** The user asked not to get this kind of email. */
    OPTED_OUT,
    /** Nobody to send it to (unknown user, or no operators' address configured). */
    NO_RECIPIENT
}

package dev.renderbank.identity;

/** What {@link ApiTokens#create} did. */
public sealed interface TokenOutcome {

    /** The secret is in {@code token}, shown this once; only its SHA-256 is kept. */
    record Created(long id, String name, String token) implements TokenOutcome {}

    /** A field was wrong; nothing was written. */
    record Invalid(String field, String message) implements TokenOutcome {}

    /** The user already holds the maximum number of live tokens; nothing was written. */
    record TooMany(int max) implements TokenOutcome {}

    /**
     * The user created {@code max} tokens in the last 24 hours (revoked and expired ones count too);
     * the next may be created at {@code nextAt}. Nothing was written.
     */
    record TooManyCreated(int max, java.time.Instant nextAt) implements TokenOutcome {}

    /** The account was suspended (while the request was under way); nothing was written. */
    record AccountSuspended() implements TokenOutcome {}

    /** The account was deleted (while the request was under way); nothing was written. */
    record AccountGone() implements TokenOutcome {}

    /** The browser session asking was ended (a password reset or change) while the request was under way; nothing was written. */
    record SessionEnded() implements TokenOutcome {}
}

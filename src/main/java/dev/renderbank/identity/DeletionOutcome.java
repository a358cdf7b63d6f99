package dev.renderbank.identity;

/** What {@link AccountDeletion#delete} did. */
public sealed interface DeletionOutcome {

    record Deleted(long userId) implements DeletionOutcome {}

    /** The password did not match; nothing changed. */
    record WrongPassword() implements DeletionOutcome {}

    /** Too many wrong passwords of this account lately: nothing checked, nothing changed; {@code message} says how long to wait. */
    record TooManyAttempts(String message) implements DeletionOutcome {}

    /** Already deleted (a repeated request). */
    record AlreadyDeleted(long userId) implements DeletionOutcome {}
}

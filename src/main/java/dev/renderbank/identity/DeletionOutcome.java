package dev.renderbank.identity;

/** What {@link AccountDeletion#delete} did. */
public sealed interface DeletionOutcome {

    record Deleted(long userId) implements DeletionOutcome {}

    /** The password did not match; nothing changed. */
    record WrongPassword() implements DeletionOutcome {}

    /** Already deleted (a repeated request). */
    record AlreadyDeleted(long userId) implements DeletionOutcome {}
}

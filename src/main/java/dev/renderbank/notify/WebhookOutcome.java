package dev.renderbank.notify;

import java.util.List;

/** What registering an endpoint did. */
public sealed interface WebhookOutcome {

    record Created(WebhookCreated created) implements WebhookOutcome {}

    /** Bad input: each field and what to fix, in the request's order; nothing was written. */
    record Invalid(List<FieldProblem> problems) implements WebhookOutcome {

        public Invalid {
            problems = List.copyOf(problems);
        }

        public Invalid(String field, String message) {
            this(List.of(new FieldProblem(field, message)));
        }
    }

    /** One refused field and what to fix. */
    record FieldProblem(String field, String message) {}

    /** Well-formed but unusable ({@code field} and what to fix, answered 422); nothing was written. */
    record Unusable(String field, String message) implements WebhookOutcome {}

    /**
     * The user has an endpoint with this URL already ({@code id}): a second one would get every event
     * twice, under another secret. A double submit or a retried request lands here.
     */
    record AlreadyRegistered(String id) implements WebhookOutcome {}

    /** The user has as many endpoints as allowed. */
    record TooMany(int max) implements WebhookOutcome {}

    /** The account was deleted while the request was under way; nothing was written. */
    record AccountGone() implements WebhookOutcome {}

    /**
     * The caller was signed out while the request was under way (its API token revoked, its session
     * ended: a password reset, a repeated sign-up's confirmed link, a password change elsewhere);
     * nothing was written.
     */
    record SignedOut() implements WebhookOutcome {}

    /** The account was suspended while the request was under way; nothing was written. */
    record AccountSuspended() implements WebhookOutcome {}
}

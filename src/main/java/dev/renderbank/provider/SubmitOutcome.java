package dev.renderbank.provider;

import java.util.Objects;
import java.util.Optional;

/**
 * What a createTask call did. KIE has no idempotency key on create, so only {@link RetryLater}
 * may be sent again: every other outcome either is final or may have created a task.
 */
public sealed interface SubmitOutcome {

    /** The provider created the task. */
    record Accepted(String providerTaskId) implements SubmitOutcome {}

    /**
     * No task was created and sending again later is safe: the request never left (unreachable,
     * circuit breaker open) or the provider turned it away before doing anything (429 rate limited,
     * 455 maintenance).
     */
    record RetryLater(ProviderError error) implements SubmitOutcome {}

    /** The provider answered and refused (401, 402, 404, 422, 501, 505 ...); no task exists. */
    record Rejected(ProviderError error) implements SubmitOutcome {}

    /**
     * The request may have reached the provider and we do not know whether it created a task (read
     * timeout, 408, a 5xx, a 2xx we cannot read). Never resubmit: a callback, the record of the task
     * it names, or the deadline resolves it.
     *
     * @param providerTaskId the task the answer named all the same ({@code data.taskId} beside an
     *     error status or a code that is not 200: a gateway's 503 around KIE's success, say), when a
     *     job can record it: the provider may have created, and billed, that task, so the job keeps
     *     its id and asks about it; empty when the answer named none
     */
    record Unknown(String why, Optional<String> providerTaskId) implements SubmitOutcome {

        public Unknown {
            Objects.requireNonNull(providerTaskId, "providerTaskId");
        }

        /** An answer that named no task (a timeout, a body without {@code data.taskId}). */
        public Unknown(String why) {
            this(why, Optional.empty());
        }
    }
}

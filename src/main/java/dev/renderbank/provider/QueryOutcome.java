package dev.renderbank.provider;

import java.net.URI;
import java.util.List;

public sealed interface QueryOutcome {

    /** waiting, queuing or generating; {@code progress} 0-100 when the provider reports one, else -1. */
    record Running(String state, int progress) implements QueryOutcome {}

    /** Done; the result URLs are short-lived and must be copied to our own storage. */
    record Succeeded(List<URI> resultUrls) implements QueryOutcome {}

    /** The provider says the task failed ({@code failCode}, {@code failMsg}). */
    record Failed(String failCode, String failMessage) implements QueryOutcome {}

    /**
     * We could not learn the state this time (timeout, 5xx, 429, ...). Ask again later. Some kinds
     * say the task's record could not be read (404 not found, 422 validation, success without result
     * URLs): right after createTask that proves nothing, but when it persists the task may be lost.
     */
    record Unavailable(ProviderError error) implements QueryOutcome {}
}

package dev.renderbank.generation.internal;

import dev.renderbank.provider.Availability;
import dev.renderbank.provider.ProviderStatus;
import java.time.Duration;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** What the job engine needs of the provider's shared (database-held) availability state. */
@Component
class ProviderAvailability {

    private final ProviderStatus status;

    ProviderAvailability(ProviderStatus status) {
        this.status = status;
    }

    /**
     * Present while new requests must be refused fast (provider out of credits or bad key). One
     * read of the shared row, in the caller's transaction if there is one: the accept reads it on
     * its own transaction's connection rather than borrowing another.
     */
    Optional<Duration> refusalRetryAfter() {
        Availability a = status.current();
        if (a.available()) {
            return Optional.empty();
        }
        Duration retry = a.retryAfter() == null || a.retryAfter().isZero() ? Duration.ofMinutes(1) : a.retryAfter();
        return Optional.of(retry);
    }

    void tripExhausted(String detail) {
        status.tripExhausted(detail);
    }

    void tripUnauthorized(String detail) {
        status.tripUnauthorized(detail);
    }

    /** recordInfo answered 505 for the job's task: operators are alerted once for the job. */
    void featureDisabled(Job job, String detail) {
        status.featureDisabledForJob(job.id(), job.providerTaskId(), job.providerModel(), detail);
    }
}

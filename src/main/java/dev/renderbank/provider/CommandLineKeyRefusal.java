package dev.renderbank.provider;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * The provider refused the key of this process (401) on a call of the operator command line. Such a
 * refusal says the key in the operator's shell is stale or wrong, nothing of the service's: a command
 * never changes the {@link ProviderStatus} every node shares (it tripped it to "unauthorized", and
 * every node refused generations until the next balance check), its gateway notes the refusal here
 * instead, and the command line tells the operator. Always empty in a node of the service, whose
 * gateway trips the status as before.
 */
@Component
public class CommandLineKeyRefusal {

    private final AtomicReference<ProviderError> first = new AtomicReference<>();

    /** Called by the command line's gateway with an error of the provider; keeps the first 401. */
    public void note(ProviderError error) {
        if (error.kind() == ProviderError.Kind.UNAUTHORIZED) {
            first.compareAndSet(null, error);
        }
    }

    /** The provider's first refusal of this process's key, if any. */
    public Optional<ProviderError> refusal() {
        return Optional.ofNullable(first.get());
    }
}

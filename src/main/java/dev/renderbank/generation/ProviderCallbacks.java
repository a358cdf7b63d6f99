package dev.renderbank.generation;

import dev.renderbank.generation.internal.ProviderCallbackHandling;
import org.springframework.stereotype.Service;

/**
 * The provider's callbacks about jobs. A callback is only a hint: the per-job token authorizes it,
 * and the provider is queried before anything changes.
 */
@Service
public class ProviderCallbacks {

    private final ProviderCallbackHandling handling;

    ProviderCallbacks(ProviderCallbackHandling handling) {
        this.handling = handling;
    }

    public CallbackOutcome onProviderCallback(String jobId, String token, String providerTaskId) {
        return handling.handle(jobId, token, providerTaskId);
    }
}

package dev.renderbank.storage.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bounds of the host lookups of reference image URLs while a generate request is accepted ({@code
 * renderbank.storage.reference-lookup.*}).
 *
 * @param timeout all of one request's lookups together; a host that has not answered by then gets
 *     the request refused (422), so a name server that never answers cannot hold a request thread
 * @param maxConcurrent lookups under way at once on this node (one that outlived its request
 *     included); a request beyond it is refused at once (503 with Retry-After)
 */
@ConfigurationProperties("renderbank.storage.reference-lookup")
public record ReferenceLookupProperties(
        @DefaultValue("3s") Duration timeout,
        @DefaultValue("32") int maxConcurrent) {

    public ReferenceLookupProperties {
        if (timeout == null
                || timeout.isNegative()
                || timeout.isZero()
                || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new IllegalArgumentException(
                    "renderbank.storage.reference-lookup.timeout must be positive and at most 30s (was " + timeout
                            + ")");
        }
        if (maxConcurrent < 1 || maxConcurrent > 1000) {
            throw new IllegalArgumentException(
                    "renderbank.storage.reference-lookup.max-concurrent must be 1 to 1000 (was " + maxConcurrent + ")");
        }
    }
}

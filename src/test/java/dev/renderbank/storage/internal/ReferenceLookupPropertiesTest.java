package dev.renderbank.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code renderbank.storage.reference-lookup.*} refuses bounds that are no bounds, naming the key. */
class ReferenceLookupPropertiesTest {

    @Test
    void theTimeoutIsPositiveAndAtMostThirtySeconds() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofSeconds(31), null}) {
            assertThatThrownBy(() -> new ReferenceLookupProperties(bad, 8))
                    .hasMessageContaining("renderbank.storage.reference-lookup.timeout");
        }
        assertThat(new ReferenceLookupProperties(Duration.ofSeconds(30), 8).timeout())
                .isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void lookupsAtOnceAreOneToAThousand() {
        for (int bad : new int[] {0, -1, 1001}) {
            assertThatThrownBy(() -> new ReferenceLookupProperties(Duration.ofSeconds(3), bad))
                    .hasMessageContaining("renderbank.storage.reference-lookup.max-concurrent");
        }
        assertThat(new ReferenceLookupProperties(Duration.ofSeconds(3), 1).maxConcurrent())
                .isEqualTo(1);
    }
}

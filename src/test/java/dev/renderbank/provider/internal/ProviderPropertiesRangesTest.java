package dev.renderbank.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A zero balance check interval reads the provider's balance without pause; a zero timeout fails
 * every provider call. Refused at start, naming the key.
 */
class ProviderPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(ProviderProperties.class);

    @Test
    void balanceIntervalsArePositive() {
        R.refused("renderbank.provider.balance.check-interval", "0s");
        R.refused("renderbank.provider.balance.recheck-interval", "-1m");
    }

    @Test
    void timeoutsArePositive() {
        R.refused("renderbank.provider.kie.connect-timeout", "0s");
        R.refused("renderbank.provider.kie.read-timeout", "-30s");
        R.refused("renderbank.provider.kie.total-timeout", "0s", "-1s");
    }

    /** Unset, a call may take what the connect and read timeouts allow an answer in one read. */
    @Test
    void theTotalTimeoutIsTwiceTheConnectTimeoutAndTheReadTimeoutUnlessSet() {
        assertThat(kie(Map.of()).totalTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(kie(Map.of(
                                "renderbank.provider.kie.connect-timeout", "2s",
                                "renderbank.provider.kie.read-timeout", "10s"))
                        .totalTimeout())
                .isEqualTo(Duration.ofSeconds(14));
        assertThat(kie(Map.of("renderbank.provider.kie.total-timeout", "90s")).totalTimeout())
                .isEqualTo(Duration.ofSeconds(90));
    }

    private static ProviderProperties.Kie kie(Map<String, String> settings) {
        return ((ProviderProperties) R.bind(settings)).kie();
    }
}

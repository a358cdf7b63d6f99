package dev.renderbank.provider.internal;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
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
    }
}

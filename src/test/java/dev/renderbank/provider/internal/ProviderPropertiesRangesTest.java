package dev.renderbank.provider.internal;

import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * A zero balance check interval reads the provider's balance without pause; a zero timeout fails
 * every provider call. Refused at start, naming the key.
 */
class ProviderPropertiesRangesTest {

    static final String P = "renderbank.provider";

    @Test
    void balanceIntervalsArePositive() {
        refused(P, ProviderProperties.class, "renderbank.provider.balance.check-interval", "0s");
        refused(P, ProviderProperties.class, "renderbank.provider.balance.recheck-interval", "-1m");
    }

    @Test
    void timeoutsArePositive() {
        refused(P, ProviderProperties.class, "renderbank.provider.kie.connect-timeout", "0s");
        refused(P, ProviderProperties.class, "renderbank.provider.kie.read-timeout", "-30s");
    }
}

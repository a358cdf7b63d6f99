package dev.renderbank.provider.simulator;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/** A zero callback interval runs the simulator's callback task without pause; a negative job duration means nothing. */
class SimulatorPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(SimulatorProperties.class);

    @Test
    void theCallbackIntervalIsPositive() {
        R.refused("renderbank.simulator.callback-interval", "0s", "-1s");
    }

    @Test
    void jobDurationsAreZeroOrMore() {
        R.refused("renderbank.simulator.image-duration", "-5s");
        R.refused("renderbank.simulator.video-duration", "-30s");
        R.accepted("renderbank.simulator.image-duration", "0s");
    }
}

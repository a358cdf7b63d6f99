package dev.renderbank.provider.simulator;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/** A zero callback interval runs the simulator's callback task without pause; a negative job duration means nothing. */
class SimulatorPropertiesRangesTest {

    static final String P = "renderbank.simulator";

    @Test
    void theCallbackIntervalIsPositive() {
        refused(P, SimulatorProperties.class, "renderbank.simulator.callback-interval", "0s");
        refused(P, SimulatorProperties.class, "renderbank.simulator.callback-interval", "-1s");
    }

    @Test
    void jobDurationsAreZeroOrMore() {
        refused(P, SimulatorProperties.class, "renderbank.simulator.image-duration", "-5s");
        refused(P, SimulatorProperties.class, "renderbank.simulator.video-duration", "-30s");
        accepted(P, SimulatorProperties.class, "renderbank.simulator.image-duration", "0s");
    }
}

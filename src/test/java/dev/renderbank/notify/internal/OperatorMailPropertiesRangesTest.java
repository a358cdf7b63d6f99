package dev.renderbank.notify.internal;

import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/** A zero or negative alert-email-max-age makes every alert too old to email: operators would get none. */
class OperatorMailPropertiesRangesTest {

    @Test
    void theAlertEmailMaxAgeIsPositive() {
        refused("renderbank.ops", OperatorMailProperties.class, "renderbank.ops.alert-email-max-age", "0s");
        refused("renderbank.ops", OperatorMailProperties.class, "renderbank.ops.alert-email-max-age", "-1h");
    }
}

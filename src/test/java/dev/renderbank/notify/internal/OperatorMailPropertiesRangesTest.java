package dev.renderbank.notify.internal;

import dev.renderbank.support.PropertyRanges;
import org.junit.jupiter.api.Test;

/** A zero or negative alert-email-max-age makes every alert too old to email: operators would get none. */
class OperatorMailPropertiesRangesTest {

    @Test
    void theAlertEmailMaxAgeIsPositive() {
        PropertyRanges.of(OperatorMailProperties.class).refused("renderbank.ops.alert-email-max-age", "0s", "-1h");
    }
}

package dev.renderbank.notify.internal;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/** A zero or negative alert-email-max-age makes every alert too old to email: operators would get none. */
class OperatorMailPropertiesRangesTest {

    @Test
    void theAlertEmailMaxAgeIsPositive() {
        refused("renderbank.ops", OperatorMailProperties.class, "renderbank.ops.alert-email-max-age", "0s");
        refused("renderbank.ops", OperatorMailProperties.class, "renderbank.ops.alert-email-max-age", "-1h");
    }

    /**
     * The operators' address is one address as the mailer reads it: a list ("ops@x, oncall@y"), a
     * missing bracket or a group made every alert email fail at every attempt (and each failure raise
     * another alert, mailed to the same address), while the start said nothing.
     */
    @Test
    void theOperatorsAddressIsOneAddress() {
        refused(
                "renderbank.ops",
                OperatorMailProperties.class,
                "renderbank.ops.email",
                "ops@example.com, oncall@example.com");
        refused("renderbank.ops", OperatorMailProperties.class, "renderbank.ops.email", "Ops <ops@example.com");
        refused(
                "renderbank.ops",
                OperatorMailProperties.class,
                "renderbank.ops.email",
                "ops:a@example.com,b@example.com;");
        refused("renderbank.ops", OperatorMailProperties.class, "renderbank.ops.email", "ops");
        accepted("renderbank.ops", OperatorMailProperties.class, "renderbank.ops.email", "ops@example.com");
        accepted("renderbank.ops", OperatorMailProperties.class, "renderbank.ops.email", "Ops team <ops@example.com>");
        accepted("renderbank.ops", OperatorMailProperties.class, "renderbank.ops.email", " ");
    }
}

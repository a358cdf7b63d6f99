package dev.renderbank.notify.internal;

import dev.renderbank.support.PropertyRanges;
import org.junit.jupiter.api.Test;

/** A zero or negative alert-email-max-age makes every alert too old to email: operators would get none. */
class OperatorMailPropertiesRangesTest {

    @Test
    void theAlertEmailMaxAgeIsPositive() {
        PropertyRanges.of(OperatorMailProperties.class).refused("renderbank.ops.alert-email-max-age", "0s", "-1h");
    }

    /**
     * The operators' address is one address as the mailer reads it: a list ("ops@x, oncall@y"), a
     * missing bracket or a group made every alert email fail at every attempt (and each failure raise
     * another alert, mailed to the same address), while the start said nothing.
     */
    @Test
    void theOperatorsAddressIsOneAddress() {
        PropertyRanges.Ranges r = PropertyRanges.of(OperatorMailProperties.class);
        r.refused(
                "renderbank.ops.email",
                "ops@example.com, oncall@example.com",
                "Ops <ops@example.com",
                "ops:a@example.com,b@example.com;",
                "ops");
        r.accepted("renderbank.ops.email", "ops@example.com", "Ops team <ops@example.com>", " ");
    }
}

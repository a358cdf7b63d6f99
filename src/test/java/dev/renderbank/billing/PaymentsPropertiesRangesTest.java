package dev.renderbank.billing;

import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * A zero sweep interval retries stored webhooks and grants without pause; a signature alert threshold
 * below 1 or a zero window does not describe "this many failures within this long". Refused at start.
 */
class PaymentsPropertiesRangesTest {

    static final String P = "renderbank.payments";

    @Test
    void theSweepIntervalIsPositive() {
        refused(P, PaymentsProperties.class, "renderbank.payments.sweep-interval", "0s");
        refused(P, PaymentsProperties.class, "renderbank.payments.sweep-interval", "-15s");
    }

    @Test
    void theSignatureAlertNeedsAtLeastOneFailureWithinAPositiveWindow() {
        refused(P, PaymentsProperties.class, "renderbank.payments.signature-alert-threshold", "0");
        refused(P, PaymentsProperties.class, "renderbank.payments.signature-alert-window", "0s");
    }
}

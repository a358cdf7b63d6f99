package dev.renderbank.billing;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/**
 * A zero sweep interval retries stored webhooks and grants without pause; a signature alert threshold
 * below 1 or a zero window does not describe "this many failures within this long". Refused at start.
 */
class PaymentsPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(PaymentsProperties.class);

    @Test
    void theSweepIntervalIsPositive() {
        R.refused("renderbank.payments.sweep-interval", "0s", "-15s");
    }

    @Test
    void theSignatureAlertNeedsAtLeastOneFailureWithinAPositiveWindow() {
        R.refused("renderbank.payments.signature-alert-threshold", "0");
        R.refused("renderbank.payments.signature-alert-window", "0s");
    }
}

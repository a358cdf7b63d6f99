package dev.renderbank.identity;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/** A zero or negative link lifetime emails links that have already expired: nobody could verify or reset. */
class SignupPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(SignupProperties.class);

    @Test
    void linkLifetimesArePositive() {
        R.refused("renderbank.signup.verification-link-lifetime", "0s", "-1h");
        R.refused("renderbank.signup.reset-link-lifetime", "0s", "-1h");
    }
}

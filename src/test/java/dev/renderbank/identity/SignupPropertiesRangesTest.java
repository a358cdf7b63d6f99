package dev.renderbank.identity;

import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/** A zero or negative link lifetime emails links that have already expired: nobody could verify or reset. */
class SignupPropertiesRangesTest {

    @Test
    void linkLifetimesArePositive() {
        refused("renderbank.signup", SignupProperties.class, "renderbank.signup.verification-link-lifetime", "0s");
        refused("renderbank.signup", SignupProperties.class, "renderbank.signup.verification-link-lifetime", "-1h");
        refused("renderbank.signup", SignupProperties.class, "renderbank.signup.reset-link-lifetime", "0s");
        refused("renderbank.signup", SignupProperties.class, "renderbank.signup.reset-link-lifetime", "-1h");
    }
}

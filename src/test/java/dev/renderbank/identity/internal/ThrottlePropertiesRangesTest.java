package dev.renderbank.identity.internal;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/**
 * The sign-in throttle and the request limits are checked for meaning at start (docs/CONFIGURATION.md
 * gives the ranges): a zero window counts nothing and a zero lock locks nobody, so a guesser would be
 * unlimited while the settings look like limits.
 */
class ThrottlePropertiesRangesTest {

    static final Ranges LOGIN = PropertyRanges.of(LoginProperties.class);

    @Test
    void theClientWindowAndLockArePositive() {
        LOGIN.refused("renderbank.login.client-window", "0s");
        LOGIN.refused("renderbank.login.client-lock", "0s", "-15m");
    }

    /** A negative first wait makes every wait negative (no wait); a cap below it is every wait. */
    @Test
    void theAccountWaitsArePositiveAndTheCapIsAtLeastTheFirst() {
        LOGIN.refused("renderbank.login.account-first-wait", "0s", "-1s");
        LOGIN.refused("renderbank.login.account-max-wait", "500ms"); // first 1s
        LOGIN.accepted("renderbank.login.account-max-wait", "1s");
    }

    /** Zero: every failure is the account's first, so the waits never grow. */
    @Test
    void theAccountForgetAfterIsPositive() {
        LOGIN.refused("renderbank.login.account-forget-after", "0s");
    }

    @Test
    void theRequestLimitWindowIsPositive() {
        PropertyRanges.of(RequestLimitProperties.class).refused("renderbank.request-limits.window", "0s", "-1h");
    }
}

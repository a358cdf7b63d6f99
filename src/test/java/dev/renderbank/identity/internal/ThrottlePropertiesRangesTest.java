package dev.renderbank.identity.internal;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * The sign-in throttle and the request limits are checked for meaning at start (docs/CONFIGURATION.md
 * gives the ranges): a zero window counts nothing and a zero lock locks nobody, so a guesser would be
 * unlimited while the settings look like limits.
 */
class ThrottlePropertiesRangesTest {

    static final String L = "renderbank.login";

    @Test
    void theClientWindowAndLockArePositive() {
        refused(L, LoginProperties.class, "renderbank.login.client-window", "0s");
        refused(L, LoginProperties.class, "renderbank.login.client-lock", "0s");
        refused(L, LoginProperties.class, "renderbank.login.client-lock", "-15m");
    }

    /** A negative first wait makes every wait negative (no wait); a cap below it is every wait. */
    @Test
    void theAccountWaitsArePositiveAndTheCapIsAtLeastTheFirst() {
        refused(L, LoginProperties.class, "renderbank.login.account-first-wait", "0s");
        refused(L, LoginProperties.class, "renderbank.login.account-first-wait", "-1s");
        refused(L, LoginProperties.class, "renderbank.login.account-max-wait", "500ms"); // first 1s
        accepted(L, LoginProperties.class, "renderbank.login.account-max-wait", "1s");
    }

    /** Zero: every failure is the account's first, so the waits never grow. */
    @Test
    void theAccountForgetAfterIsPositive() {
        refused(L, LoginProperties.class, "renderbank.login.account-forget-after", "0s");
    }

    @Test
    void theRequestLimitWindowIsPositive() {
        refused("renderbank.request-limits", RequestLimitProperties.class, "renderbank.request-limits.window", "0s");
        refused("renderbank.request-limits", RequestLimitProperties.class, "renderbank.request-limits.window", "-1h");
    }
}

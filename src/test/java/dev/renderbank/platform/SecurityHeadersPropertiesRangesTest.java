package dev.renderbank.platform;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * A negative HSTS max-age would be sent as {@code max-age=-1}, a header browsers ignore: HSTS silently
 * off in production. Refused at start; {@code 0} (tell browsers to forget it) is allowed.
 */
class SecurityHeadersPropertiesRangesTest {

    @Test
    void theHstsMaxAgeIsZeroOrMore() {
        refused(
                "renderbank.security-headers",
                SecurityHeadersProperties.class,
                "renderbank.security-headers.hsts-max-age",
                "-1s");
        accepted(
                "renderbank.security-headers",
                SecurityHeadersProperties.class,
                "renderbank.security-headers.hsts-max-age",
                "0s");
    }
}

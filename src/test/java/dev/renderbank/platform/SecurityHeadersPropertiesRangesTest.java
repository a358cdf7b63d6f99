package dev.renderbank.platform;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/**
 * A negative HSTS max-age would be sent as {@code max-age=-1}, a header browsers ignore: HSTS silently
 * off in production. Refused at start; {@code 0} (tell browsers to forget it) is allowed.
 */
class SecurityHeadersPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(SecurityHeadersProperties.class);

    @Test
    void theHstsMaxAgeIsZeroOrMore() {
        R.refused("renderbank.security-headers.hsts-max-age", "-1s");
        R.accepted("renderbank.security-headers.hsts-max-age", "0s");
    }
}

package dev.renderbank.platform;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Response headers every answer carries. HSTS is off by default because a development run on plain
 * {@code http://localhost} must not teach a browser to insist on HTTPS for localhost; the
 * {@code prod} profile turns it on.
 *
 * @param hsts send {@code Strict-Transport-Security}
 * @param hstsMaxAge how long browsers remember it
 */
@ConfigurationProperties("renderbank.security-headers")
public record SecurityHeadersProperties(
        @DefaultValue("false") boolean hsts,
        @DefaultValue("365d") Duration hstsMaxAge) {

    /** A negative max-age is a header browsers ignore: HSTS silently off. {@code 0} tells them to forget it. */
    public SecurityHeadersProperties {
        if (hstsMaxAge != null && hstsMaxAge.isNegative()) {
            throw new IllegalArgumentException(
                    "renderbank.security-headers.hsts-max-age must be 0 or more (was " + hstsMaxAge + ")");
        }
    }
}

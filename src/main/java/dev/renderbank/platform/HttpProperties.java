package dev.renderbank.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code renderbank.http.*}: limits of every request.
 *
 * @param maxBody the largest request body on every path ({@link BodySizeLimit}) and the largest JSON
 *     document the application parses ({@link JsonLimits})
 */
@ConfigurationProperties("renderbank.http")
public record HttpProperties(@DefaultValue("1MB") DataSize maxBody) {

    /**
     * Zero or less refused every body that states its length and cut off every other, while the
     * JSON mapper took it as "no limit" on documents.
     */
    public HttpProperties {
        if (maxBody != null && maxBody.toBytes() <= 0) {
            throw new IllegalArgumentException(
                    "renderbank.http.max-body must be positive, e.g. 1MB (was " + maxBody + ")");
        }
    }
}

package dev.renderbank.storage.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits for copying provider outputs into storage ({@code renderbank.download.*}).
 *
 * @param allowPrivateHosts unset: allowed only while the built-in provider simulator runs (no
 *     {@code renderbank.provider.kie.api-key}), whose result URLs point at this app; an explicit
 *     value always wins
 * @param totalTimeout the whole download, so a server dripping one byte per read timeout cannot
 *     hold a worker forever
 */
@ConfigurationProperties("renderbank.download")
public record DownloadProperties(
        @DefaultValue("512MB") DataSize maxBytes,
        Boolean allowPrivateHosts,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("60s") Duration readTimeout,
        @DefaultValue("10m") Duration totalTimeout,

        @DefaultValue({
            "image/png",
            "image/jpeg",
            "image/webp",
            "image/gif",
            "video/mp4",
            "video/webm",
            "video/quicktime",
            "application/octet-stream",
            "binary/octet-stream"
        })
        List<String> allowedContentTypes) {

    public DownloadProperties {
        if (maxBytes == null || maxBytes.toBytes() <= 0) {
            throw new IllegalArgumentException("renderbank.download.max-bytes must be positive");
        }
        requirePositive(connectTimeout, "connect-timeout");
        requirePositive(readTimeout, "read-timeout");
        requirePositive(totalTimeout, "total-timeout");
        if (allowedContentTypes == null || allowedContentTypes.isEmpty()) {
            throw new IllegalArgumentException("renderbank.download.allowed-content-types must not be empty");
        }
        for (String type : allowedContentTypes) {
            // compared as exact media types: a wildcard or a bare subtype would match nothing, and every
            // output would be refused after the provider was paid for it
            if (type == null
                    || !MEDIA_TYPE.matcher(type.split(";", 2)[0].strip()).matches()) {
                throw new IllegalArgumentException("renderbank.download.allowed-content-types must list exact media"
                        + " types such as image/png (no wildcards); '" + type + "' is not one");
            }
        }
        allowedContentTypes = List.copyOf(allowedContentTypes);
    }

    /** type/subtype, each an RFC 6838 name. */
    private static final Pattern MEDIA_TYPE =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*");

    /** The effective switch: an explicit setting wins, otherwise on exactly when the simulator runs. */
    public boolean privateHostsAllowed(boolean simulatorActive) {
        return allowPrivateHosts != null ? allowPrivateHosts : simulatorActive;
    }

    /** Lower-case media types without parameters, aliases ({@code image/jpg}) as their standard type. */
    Set<String> allowedMediaTypes() {
        return allowedContentTypes.stream()
                .map(t -> ContentTypes.mediaType(ContentTypes.canonical(t)))
                .filter(t -> !t.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("renderbank.download." + name + " must be positive");
        }
    }
}

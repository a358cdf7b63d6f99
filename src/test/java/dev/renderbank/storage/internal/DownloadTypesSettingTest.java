package dev.renderbank.storage.internal;

import dev.renderbank.support.PropertyRanges;
import org.junit.jupiter.api.Test;

/**
 * Output content types are compared as exact media types: a wildcard or a bare word in the setting
 * matched nothing, so every output was refused after the provider had been paid for it. Such a
 * value stops the start instead, naming the key.
 */
class DownloadTypesSettingTest {

    @Test
    void allowedContentTypesAreExactMediaTypes() {
        PropertyRanges.Ranges download = PropertyRanges.of(DownloadProperties.class);
        download.refused("renderbank.download.allowed-content-types", "image/*", "png", "*/*", "image/png,video/*");
        download.accepted(
                "renderbank.download.allowed-content-types",
                "image/png",
                "image/png,video/mp4",
                "image/svg+xml",
                "image/png; charset=binary",
                "application/vnd.example-1.0");
    }
}

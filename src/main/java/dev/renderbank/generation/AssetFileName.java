package dev.renderbank.generation;

import java.util.Locale;
import java.util.Map;

/**
 * The name a stored output is saved under: its asset id and the extension of its type
 * ({@code ast_….png}), as the download's Content-Disposition and the pages' Download links give it.
 * Without an extension, browsers and {@code curl -OJ} saved an MP4 or a PNG that nothing would open
 * by a double click.
 */
public final class AssetFileName {

    /**
     * The picture and video types a provider delivers. Any other type (one an operator allowed, or an
     * HTML or SVG file a provider's host named one of them) gets no extension: it is sent as a download
     * only, and an extension of ours would vouch for what the file is.
     */
    private static final Map<String, String> EXTENSIONS = Map.of(
            "image/png", ".png",
            "image/jpeg", ".jpg",
            "image/webp", ".webp",
            "image/gif", ".gif",
            "video/mp4", ".mp4",
            "video/webm", ".webm",
            "video/quicktime", ".mov");

    private AssetFileName() {}

    /** {@code assetId} with the extension of {@code contentType} (its parameters ignored), or alone. */
    public static String of(String assetId, String contentType) {
        if (contentType == null) {
            return assetId;
        }
        int semicolon = contentType.indexOf(';');
        String bare = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
        return assetId + EXTENSIONS.getOrDefault(bare, "");
    }
}

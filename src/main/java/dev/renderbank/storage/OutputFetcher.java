package dev.renderbank.storage;

import java.net.URI;

/**
 * Copies a provider's output into our storage, safely: http(s) only, no private, loopback or
 * link-local hosts unless allowed, bounded size, timeouts, content type checked, streamed,
 * checksum recorded.
 */
public interface OutputFetcher {

    /** @throws FetchRefusedException for unsafe or oversize sources (retrying will not help) */
    StoredAsset fetch(URI source, String key) throws FetchRefusedException, java.io.IOException;

    /**
     * A provider URL as it may be logged or shown: scheme, host and path only (at most 200
     * characters), without user info or query string, which carry signatures.
     */
    static String redacted(URI uri) {
        if (uri == null) {
            return "null";
        }
        String s = (uri.getScheme() == null ? "" : uri.getScheme() + ":")
                + (uri.getRawAuthority() == null
                        ? ""
                        : "//" + uri.getRawAuthority().replaceAll("^.*@", ""))
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    class FetchRefusedException extends Exception {
        public FetchRefusedException(String message) {
            super(message);
        }

        public FetchRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

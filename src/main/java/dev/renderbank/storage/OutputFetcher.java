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

    class FetchRefusedException extends Exception {
        public FetchRefusedException(String message) {
            super(message);
        }

        public FetchRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

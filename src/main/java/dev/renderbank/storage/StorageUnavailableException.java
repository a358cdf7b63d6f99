package dev.renderbank.storage;

import java.io.IOException;

/**
 * The file store (local disk or S3) failed a read or a delete a user asked for: nothing was changed,
 * and the same request may work once the store answers again. Thrown by the callers of {@link
 * AssetStore} that serve users, so that only a store's own failure is answered as one (a database
 * outage or a client that hung up mid-download are other things).
 */
public class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String what, IOException cause) {
        super(what, cause);
    }
}

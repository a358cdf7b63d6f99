package dev.renderbank.storage.internal;

import dev.renderbank.storage.AssetContent;
import dev.renderbank.storage.AssetStore;
import dev.renderbank.storage.StoredAsset;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The configured store, its writes watched ({@link StoreWriteFailures}). A put that fails while its
 * source stream failed (the provider's connection cut, a size limit) is the source's failure, not the
 * store's, and is not counted.
 */
final class WatchedAssetStore implements AssetStore, AutoCloseable {

    private final AssetStore store;
    private final StoreWriteFailures failures;

    WatchedAssetStore(AssetStore store, StoreWriteFailures failures) {
        this.store = store;
        this.failures = failures;
    }

    AssetStore store() {
        return store;
    }

    @Override
    public StoredAsset put(String key, InputStream content, String contentType) throws IOException {
        SourceWatch source = new SourceWatch(content);
        StoredAsset stored;
        try {
            stored = store.put(key, source, contentType);
        } catch (IOException | RuntimeException e) {
            if (!source.failed && !(e instanceof IllegalArgumentException)) {
                failures.failed(key, e.toString());
            }
            throw e;
        }
        failures.stored();
        return stored;
    }

    @Override
    public Optional<AssetContent> open(String key) throws IOException {
        return store.open(key);
    }

    @Override
    public Optional<URI> presignedUrl(String key, Duration ttl) throws IOException {
        return store.presignedUrl(key, ttl);
    }

    @Override
    public void delete(String key) throws IOException {
        store.delete(key);
    }

    @Override
    public int deleteUnder(String prefix) throws IOException {
        return store.deleteUnder(prefix);
    }

    @Override
    public void close() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** Notes whether reading the source failed. */
    private static final class SourceWatch extends FilterInputStream {
        volatile boolean failed;

        SourceWatch(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }
    }
}

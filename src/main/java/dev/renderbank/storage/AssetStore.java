package dev.renderbank.storage;

import dev.renderbank.storage.internal.AssetKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where generated files live: a local directory (default) or S3-compatible object storage (S3,
 * Cloudflare R2, MinIO). Content is streamed, never held whole in memory.
 *
 * <p>Keys are {@code /}-separated segments of {@code [A-Za-z0-9_.-]} (no segment starting with a
 * dot, no {@code ..}, no leading slash, at most 512 characters), e.g. {@code
 * jobs/7f3c/output-0.mp4}; every method refuses another key with {@link IllegalArgumentException}.
 */
public interface AssetStore {

    /** Whether {@code key} is acceptable to every store. */
    static boolean isValidKey(String key) {
        return AssetKeys.isValid(key);
    }

    /** Stores {@code content} under {@code key} (overwrites), returning its size and SHA-256. */
    StoredAsset put(String key, InputStream content, String contentType) throws IOException;

    /** Opens a stored file for streaming to its owner; empty when absent. */
    Optional<AssetContent> open(String key) throws IOException;

    /**
     * A short-lived direct link (S3 presigned GET) valid for {@code ttl} ({@code null}: the configured
     * {@code renderbank.storage.s3.presign-ttl}); empty when the store serves through the app. An
     * IOException when the link cannot be signed (the credentials could not be obtained).
     */
    Optional<URI> presignedUrl(String key, Duration ttl) throws IOException;

    void delete(String key) throws IOException;

    /**
     * Deletes every file whose key starts with {@code prefix} (a key's leading segments followed by
     * {@code /}, e.g. {@code jobs/42/}); returns how many. For what no record names any more: a file a
     * process stored and was killed before recording, of an account being deleted.
     */
    int deleteUnder(String prefix) throws IOException;
}

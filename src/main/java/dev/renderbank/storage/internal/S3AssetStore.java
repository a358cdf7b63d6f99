package dev.renderbank.storage.internal;

import dev.renderbank.storage.AssetContent;
import dev.renderbank.storage.AssetStore;
import dev.renderbank.storage.StoredAsset;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.DigestInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.util.StringUtils;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Objects in one bucket of an S3-compatible store (AWS, Cloudflare R2, MinIO). Uploads of unknown
 * length are streamed in parts of {@code partSize} bytes: a file smaller than one part is a single
 * PUT, a larger one a multipart upload (aborted on failure), so at most one part is in memory.
 *
 * <p>Slightly over the project's ~300 lines: it is the one class that speaks S3 for the store, and its
 * clean-up of what a write or a deletion can leave (open multipart uploads, older versions) uses the
 * same client, bucket and paging as the writes and deletions themselves. A split is the next step if it
 * grows (the clean-up into a class of its own over the same client).
 */
final class S3AssetStore implements AssetStore, AutoCloseable {

    /** S3's minimum part size is 5 MiB (except the last part). */
    static final int DEFAULT_PART_SIZE = 8 * 1024 * 1024;

    /** The longest lifetime S3 accepts for a SigV4 presigned URL. */
    private static final Duration MAX_PRESIGN_TTL = Duration.ofDays(7);

    /** Where the generation module stores every result ({@code jobs/<user>/...}). */
    static final String JOBS_PREFIX = "jobs/";

    /** Bounds one sweep of abandoned uploads; the next start (or the lifecycle rule) takes the rest. */
    static final int MAX_ABORTS_PER_SWEEP = 10_000;

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final Duration defaultTtl;
    private final int partSize;

    S3AssetStore(S3Client s3, S3Presigner presigner, String bucket, Duration defaultTtl, int partSize) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.defaultTtl = defaultTtl;
        this.partSize = partSize;
    }

    static S3AssetStore create(StorageProperties.S3 config) {
        return create(config, DEFAULT_PART_SIZE);
    }

    static S3AssetStore create(StorageProperties.S3 config, int partSize) {
        if (!StringUtils.hasText(config.bucket())) {
            throw new IllegalStateException(
                    "renderbank.storage.type=s3 needs renderbank.storage.s3.bucket (RENDERBANK_STORAGE_S3_BUCKET)");
        }
        if (StringUtils.hasText(config.accessKey()) != StringUtils.hasText(config.secretKey())) {
            throw new IllegalStateException(
                    "set both renderbank.storage.s3.access-key and .secret-key, or neither (AWS default credentials)");
        }
        Region region = Region.of(config.resolvedRegion());
        AwsCredentialsProvider credentials = StringUtils.hasText(config.accessKey())
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey(), config.secretKey()))
                : DefaultCredentialsProvider.builder().build();
        S3Configuration s3Config = S3Configuration.builder()
                .pathStyleAccessEnabled(config.pathStyle())
                .build();
        var client = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(s3Config)
                // R2, MinIO and friends do not all accept the SDK's newer default trailing checksums
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        var presigner = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(s3Config);
        if (config.endpoint() != null) {
            client.endpointOverride(config.endpoint());
            presigner.endpointOverride(config.endpoint());
        }
        return new S3AssetStore(client.build(), presigner.build(), config.bucket(), config.presignTtl(), partSize);
    }

    @Override
    public StoredAsset put(String key, InputStream content, String contentType) throws IOException {
        AssetKeys.requireValid(key);
        String type = ContentTypes.safe(contentType, key);
        try (DigestInputStream in = Sha256.digesting(content)) {
            byte[] first = in.readNBytes(partSize);
            long size = first.length < partSize ? putWhole(key, type, first) : putInParts(key, type, first, in);
            return new StoredAsset(key, size, type, Sha256.hex(in));
        } catch (SdkException e) {
            throw new IOException("S3 upload of " + key + " failed: " + e.getMessage(), e);
        }
    }

    private long putWhole(String key, String type, byte[] bytes) {
        s3.putObject(b -> b.bucket(bucket).key(key).contentType(type), RequestBody.fromBytes(bytes));
        return bytes.length;
    }

    private long putInParts(String key, String type, byte[] first, InputStream rest) throws IOException {
        String uploadId = s3.createMultipartUpload(
                        b -> b.bucket(bucket).key(key).contentType(type))
                .uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long size = 0;
            byte[] part = first;
            while (part.length > 0) {
                int number = parts.size() + 1;
                String etag = s3.uploadPart(
                                b -> b.bucket(bucket)
                                        .key(key)
                                        .uploadId(uploadId)
                                        .partNumber(number),
                                RequestBody.fromBytes(part))
                        .eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                size += part.length;
                part = rest.readNBytes(partSize);
            }
            s3.completeMultipartUpload(
                    b -> b.bucket(bucket).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
            return size;
        } catch (IOException | RuntimeException e) {
            abortQuietly(key, uploadId, e);
            throw e;
        }
    }

    private void abortQuietly(String key, String uploadId, Exception cause) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException abortFailure) {
            // the next start's sweep (abortUploadsStartedBefore), an account deletion's deleteUnder and
            // the bucket's lifecycle rule for incomplete uploads (README) are the backstops
            cause.addSuppressed(abortFailure);
        }
    }

    @Override
    public Optional<AssetContent> open(String key) throws IOException {
        AssetKeys.requireValid(key);
        try {
            ResponseInputStream<GetObjectResponse> in =
                    s3.getObject(b -> b.bucket(bucket).key(key));
            GetObjectResponse head = in.response();
            return Optional.of(new AssetContent(in, head.contentLength(), ContentTypes.safe(head.contentType(), key)));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new IOException("S3 read of " + key + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Signing is local, but its credentials may not be: without a configured key they come from AWS's
     * default chain (instance metadata, a container endpoint …), which can fail like any remote call.
     */
    @Override
    public Optional<URI> presignedUrl(String key, Duration ttl) throws IOException {
        AssetKeys.requireValid(key);
        Duration lifetime = ttl == null || ttl.isNegative() || ttl.isZero() ? defaultTtl : ttl;
        if (lifetime.compareTo(MAX_PRESIGN_TTL) > 0) {
            lifetime = MAX_PRESIGN_TTL;
        }
        Duration signatureDuration = lifetime;
        try {
            var presigned = presigner.presignGetObject(b -> b.signatureDuration(signatureDuration)
                    .getObjectRequest(g -> g.bucket(bucket).key(key)));
            return Optional.of(URI.create(presigned.url().toString()));
        } catch (SdkException e) {
            throw new IOException("S3 presign of " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int deleteUnder(String prefix) throws IOException {
        AssetKeys.requirePrefix(prefix);
        int deleted = 0;
        try {
            // one DeleteObject per key, as delete() does: the batch call needs a Content-MD5 header on
            // some S3-compatible stores (older MinIO, Ceph RGW), which this SDK no longer sends
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix))) {
                for (var object : page.contents()) {
                    s3.deleteObject(b -> b.bucket(bucket).key(object.key()));
                    deleted++;
                }
            }
            // and the uploads a node killed mid-copy left open: ListObjects does not show them, their
            // parts are kept (and billed) until aborted
            abortUploads(prefix, upload -> true);
            // and, on a versioned bucket, the earlier versions (and the delete markers just written):
            // a DeleteObject without a version id only hides a file there
            deleteVersions(prefix);
        } catch (SdkException e) {
            throw new IOException("S3 delete under " + prefix + " failed: " + e.getMessage(), e);
        }
        return deleted;
    }

    private void deleteVersions(String prefix) {
        try {
            for (var page : s3.listObjectVersionsPaginator(b -> b.bucket(bucket).prefix(prefix))) {
                for (var version : page.versions()) {
                    deleteVersion(version.key(), version.versionId());
                }
                for (var marker : page.deleteMarkers()) {
                    deleteVersion(marker.key(), marker.versionId());
                }
            }
        } catch (S3Exception e) {
            if (e.statusCode() != 501) {
                throw e;
            }
            // a store without versions that does not implement ListObjectVersions: nothing to remove
        }
    }

    private void deleteVersion(String key, String versionId) {
        if (versionId != null) {
            s3.deleteObject(b -> b.bucket(bucket).key(key).versionId(versionId));
        }
    }

    @Override
    public void delete(String key) throws IOException {
        AssetKeys.requireValid(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            throw new IOException("S3 delete of " + key + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Aborts the multipart uploads under {@code jobs/} started before {@code cutoff}: a node killed
     * mid-copy leaves its upload open, its parts kept and billed (and listed by no ListObjects). At
     * most {@link #MAX_ABORTS_PER_SWEEP} per call; returns how many were aborted.
     */
    int abortUploadsStartedBefore(Instant cutoff) throws IOException {
        try {
            return abortUploads(
                    JOBS_PREFIX, u -> u.initiated() != null && u.initiated().isBefore(cutoff));
        } catch (SdkException e) {
            throw new IOException("S3 listing of uploads under jobs/ failed: " + e.getMessage(), e);
        }
    }

    private int abortUploads(String prefix, Predicate<MultipartUpload> which) {
        int aborted = 0;
        for (var page : s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix))) {
            for (MultipartUpload upload : page.uploads()) {
                if (aborted >= MAX_ABORTS_PER_SWEEP) {
                    return aborted;
                }
                if (upload.key().startsWith(prefix) && which.test(upload)) {
                    try {
                        s3.abortMultipartUpload(
                                b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                    } catch (NoSuchUploadException finishedMeanwhile) {
                        continue;
                    }
                    aborted++;
                }
            }
        }
        return aborted;
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}

package dev.renderbank.storage.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;

/**
 * Where assets live ({@code renderbank.storage.*}). {@code type=local} (default) keeps files under
 * {@code local.dir} (default {@code ${renderbank.data-dir}/assets}); {@code type=s3} uses any
 * S3-compatible store (AWS S3, Cloudflare R2, MinIO). Keys and secrets come from the environment,
 * e.g. {@code RENDERBANK_STORAGE_S3_ACCESS_KEY} / {@code RENDERBANK_STORAGE_S3_SECRET_KEY}.
 */
@ConfigurationProperties("renderbank.storage")
public record StorageProperties(
        @DefaultValue("local") Type type,
        @DefaultValue Local local,
        @DefaultValue S3 s3) {

    public enum Type {
        LOCAL,
        S3
    }

    /** {@code dir} unset means {@code ${renderbank.data-dir}/assets}. */
    public record Local(Path dir) {}

    /**
     * @param endpoint unset for AWS itself; e.g. {@code https://<account>.r2.cloudflarestorage.com}
     * @param region unset: {@code auto} for an R2 endpoint, otherwise {@code us-east-1}
     * @param accessKey unset (with {@code secretKey}): the AWS default credential chain
     * @param pathStyle true for MinIO and S3Mock (bucket in the path, not the host name)
     * @param presignTtl lifetime of presigned GET links
     */
    public record S3(
            URI endpoint,
            String bucket,
            String region,
            String accessKey,
            String secretKey,
            @DefaultValue("false") boolean pathStyle,
            @DefaultValue("10m") Duration presignTtl) {

        /** S3 (SigV4) presigns links of at most 7 days; a zero or negative lifetime hands out dead links. */
        public S3 {
            if (presignTtl != null
                    && (presignTtl.isNegative()
                            || presignTtl.isZero()
                            || presignTtl.compareTo(Duration.ofDays(7)) > 0)) {
                throw new IllegalArgumentException(
                        "renderbank.storage.s3.presign-ttl must be positive and at most 7d (was " + presignTtl + ")");
            }
        }

        public String resolvedRegion() {
            if (StringUtils.hasText(region)) {
                return region.trim();
            }
            String host = endpoint == null || endpoint.getHost() == null
                    ? ""
                    : endpoint.getHost().toLowerCase(Locale.ROOT);
            return host.endsWith(".r2.cloudflarestorage.com") ? "auto" : "us-east-1";
        }

        /** Never prints the secret key (records print every component by default). */
        @Override
        public String toString() {
            return "S3[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + resolvedRegion()
                    + ", accessKey=" + (StringUtils.hasText(accessKey) ? "(set)" : "(unset)")
                    + ", secretKey=" + (StringUtils.hasText(secretKey) ? "(set)" : "(unset)")
                    + ", pathStyle=" + pathStyle + ", presignTtl=" + presignTtl + "]";
        }
    }
}

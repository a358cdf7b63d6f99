package dev.renderbank.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A presigned download link is signed with credentials the SDK may have to fetch (no access key
 * configured: AWS's default chain, e.g. the instance metadata service). When that source fails, the
 * link cannot be made: the store reports it as an IOException, the store's failure a download
 * answers 503 for, not an SDK exception that ends as a 500.
 */
class S3PresignCredentialsTest {

    @Test
    void aCredentialsSourceThatFailsMakesPresigningAnIoFailure() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens here once the socket is closed
        }
        AwsCredentialsProvider metadata = InstanceProfileCredentialsProvider.builder()
                .endpoint("http://127.0.0.1:" + closed)
                .build();
        try (S3AssetStore store = new S3AssetStore(
                S3Client.builder()
                        .region(Region.US_EAST_1)
                        .credentialsProvider(metadata)
                        .build(),
                S3Presigner.builder()
                        .region(Region.US_EAST_1)
                        .credentialsProvider(metadata)
                        .build(),
                "assets",
                Duration.ofMinutes(10),
                S3AssetStore.DEFAULT_PART_SIZE)) {
            assertThatThrownBy(() -> store.presignedUrl("jobs/1/out.png", null))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("jobs/1/out.png");
        }
    }

    @Test
    void theLinkIsStillMadeWithConfiguredKeys() throws Exception {
        StorageProperties.S3 config = new StorageProperties.S3(
                null, "assets", "us-east-1", "AKIDEXAMPLE", "secret", true, Duration.ofMinutes(10));
        try (S3AssetStore store = S3AssetStore.create(config)) {
            assertThat(store.presignedUrl("jobs/1/out.png", null).orElseThrow().toString())
                    .contains("jobs/1/out.png");
        }
    }
}

package dev.renderbank.storage.internal;

import static dev.renderbank.storage.internal.LocalAssetStoreTest.randomBytes;
import static dev.renderbank.storage.internal.LocalAssetStoreTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.renderbank.storage.AssetContent;
import dev.renderbank.storage.StoredAsset;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 store against a real S3-compatible server: Adobe S3Mock's executable jar (copied to
 * target/s3mock by the build), run as a child process so it keeps its own Spring Boot classpath.
 */
class S3AssetStoreTest {

    static final String BUCKET = "assets";
    static final int PART_SIZE = 5 * 1024 * 1024; // S3's minimum, so a 11 MiB file takes three parts

    @TempDir
    static Path work;

    static Process s3mock;
    static URI endpoint;
    static S3AssetStore store;
    static S3Client inspector;

    @BeforeAll
    static void startS3Mock() throws Exception {
        Path jar = Path.of(System.getProperty("s3mock.jar", "target/s3mock/s3mock-exec.jar"));
        assertThat(jar)
                .as("S3Mock's jar is copied by `./mvnw process-test-classes` (part of every test run)")
                .exists();
        int httpPort = freePort();
        int httpsPort = freePort();
        Path log = work.resolve("s3mock.log");
        s3mock = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-jar",
                        jar.toString(),
                        "--http.port=" + httpPort,
                        "--server.port=" + httpsPort,
                        "--server.address=127.0.0.1",
                        "--com.adobe.testing.s3mock.store.root=" + work.resolve("data"),
                        "--com.adobe.testing.s3mock.store.initial-buckets=" + BUCKET,
                        "--spring.main.banner-mode=off")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(s3mock::destroyForcibly));
        endpoint = URI.create("http://127.0.0.1:" + httpPort);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        await("S3Mock to answer on " + endpoint)
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!s3mock.isAlive()) {
                        throw new IllegalStateException("S3Mock exited:\n" + Files.readString(log));
                    }
                    try {
                        return http.send(
                                                HttpRequest.newBuilder(endpoint).build(),
                                                HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200;
                    } catch (IOException notYet) {
                        return false;
                    }
                });
        var config = new StorageProperties.S3(
                endpoint, BUCKET, null, "test-key", "test-secret", true, Duration.ofMinutes(10));
        store = S3AssetStore.create(config, PART_SIZE);
        inspector = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
                .build();
    }

    @AfterAll
    static void stopS3Mock() throws Exception {
        if (store != null) {
            store.close();
        }
        if (inspector != null) {
            inspector.close();
        }
        if (s3mock != null) {
            s3mock.destroy();
            if (!s3mock.waitFor(15, TimeUnit.SECONDS)) {
                s3mock.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void deleteUnderTakesEverythingUnderThePrefixAndNothingElse() throws Exception {
        AssetStoreContract.deleteUnderTakesEverythingUnderThePrefixAndNothingElse(store);
    }

    @Test
    void putThenOpenReturnsTheSameBytesSizeTypeAndChecksum() throws Exception {
        byte[] png = randomBytes(200_000);

        StoredAsset stored = store.put("jobs/1/out.png", new ByteArrayInputStream(png), "image/png");

        assertThat(stored).isEqualTo(new StoredAsset("jobs/1/out.png", png.length, "image/png", sha256(png)));
        try (AssetContent content = store.open("jobs/1/out.png").orElseThrow()) {
            assertThat(content.size()).isEqualTo(png.length);
            assertThat(content.contentType()).isEqualTo("image/png");
            assertThat(content.stream().readAllBytes()).isEqualTo(png);
        }
    }

    @Test
    void aLargeStreamOfUnknownLengthGoesUpInPartsAndComesBackWhole() throws Exception {
        byte[] video = randomBytes(2 * PART_SIZE + 1_000_000);

        StoredAsset stored = store.put("jobs/2/out.mp4", unknownLength(video), "video/mp4");

        assertThat(stored.size()).isEqualTo(video.length);
        assertThat(stored.sha256()).isEqualTo(sha256(video));
        try (AssetContent content = store.open("jobs/2/out.mp4").orElseThrow()) {
            assertThat(content.size()).isEqualTo(video.length);
            assertThat(content.contentType()).isEqualTo("video/mp4");
            assertThat(sha256(content.stream().readAllBytes())).isEqualTo(sha256(video));
        }
        assertThat(pendingUploads("jobs/2/")).isEmpty();
    }

    @Test
    void aStreamThatFailsMidUploadAbortsTheMultipartUploadAndStoresNothing() {
        InputStream failing = new SequenceInputStream(unknownLength(randomBytes(PART_SIZE + 10)), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("provider connection reset");
            }
        });

        assertThatThrownBy(() -> store.put("jobs/3/broken.mp4", failing, "video/mp4"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("connection reset");

        assertThat(pendingUploads("jobs/3/")).isEmpty();
        assertThatNoObject("jobs/3/broken.mp4");
    }

    @Test
    void overwriteReplacesContentAndType() throws Exception {
        store.put("jobs/4/a.png", new ByteArrayInputStream("old".getBytes()), "image/png");
        store.put("jobs/4/a.png", new ByteArrayInputStream("newer".getBytes()), "image/webp");

        try (AssetContent content = store.open("jobs/4/a.png").orElseThrow()) {
            assertThat(new String(content.stream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("newer");
            assertThat(content.contentType()).isEqualTo("image/webp");
        }
    }

    @Test
    void aPresignedUrlDownloadsTheObjectWithoutCredentials() throws Exception {
        byte[] jpeg = randomBytes(70_000);
        store.put("jobs/5/photo.jpg", new ByteArrayInputStream(jpeg), "image/jpeg");

        URI url = store.presignedUrl("jobs/5/photo.jpg", Duration.ofMinutes(2)).orElseThrow();

        assertThat(url.toString())
                .startsWith(endpoint + "/" + BUCKET + "/jobs/5/photo.jpg?")
                .contains("X-Amz-Expires=120")
                .contains("X-Amz-Signature=");
        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(jpeg);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    }

    @Test
    void presignedUrlsUseTheConfiguredLifetimeByDefault() throws Exception {
        URI url = store.presignedUrl("jobs/6/any.png", null).orElseThrow();

        assertThat(url.toString()).contains("X-Amz-Expires=600");
    }

    @Test
    void deleteRemovesTheObjectAndIsIdempotent() throws Exception {
        store.put("jobs/7/gone.png", new ByteArrayInputStream(new byte[] {1, 2}), "image/png");

        store.delete("jobs/7/gone.png");
        store.delete("jobs/7/gone.png");

        assertThat(store.open("jobs/7/gone.png")).isEmpty();
    }

    @Test
    void aMissingKeyOpensEmpty() throws Exception {
        assertThat(store.open("never/stored.png")).isEmpty();
    }

    @Test
    void refusesKeysEveryStoreRefuses() {
        assertThatThrownBy(() -> store.put("../x.png", InputStream.nullInputStream(), "image/png"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.presignedUrl("/abs.png", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMissingBucketIsAnIoErrorNotACrash() {
        var config = new StorageProperties.S3(endpoint, "no-such-bucket", null, "k", "s", true, Duration.ofMinutes(1));
        try (S3AssetStore elsewhere = S3AssetStore.create(config)) {
            assertThatThrownBy(() -> elsewhere.put("a.png", new ByteArrayInputStream(new byte[] {1}), "image/png"))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void deleteUnderAlsoAbortsTheUploadsLeftOpenUnderThePrefix() throws Exception {
        startUploadWithOnePart("jobs/9/cut-mid-copy.mp4");
        startUploadWithOnePart("jobs/90/other-user.mp4");

        store.deleteUnder("jobs/9/");

        assertThat(pendingUploads("jobs/9/"))
                .as("a node killed mid-copy left this upload; the deleted user's parts must go")
                .isEmpty();
        assertThat(pendingUploads("jobs/90/")).containsExactly("jobs/90/other-user.mp4");
        abortAll("jobs/90/");
    }

    @Test
    void uploadsUnderJobsStartedBeforeTheCutoffAreAbortedAndNewerOnesKept() throws Exception {
        startUploadWithOnePart("jobs/11/abandoned.mp4");
        startUploadWithOnePart("elsewhere/not-ours.mp4");

        assertThat(store.abortUploadsStartedBefore(java.time.Instant.now().minus(Duration.ofHours(1))))
                .as("started just now: possibly a copy under way")
                .isZero();
        assertThat(pendingUploads("jobs/11/")).containsExactly("jobs/11/abandoned.mp4");

        assertThat(store.abortUploadsStartedBefore(java.time.Instant.now().plus(Duration.ofMinutes(5))))
                .isEqualTo(1);
        assertThat(pendingUploads("jobs/11/")).isEmpty();
        assertThat(pendingUploads("elsewhere/")).as("only jobs/ is the app's").hasSize(1);
        abortAll("elsewhere/");
    }

    @Test
    void onAVersionedBucketDeleteUnderLeavesNoVersionOfTheFilesUnderThePrefix() throws Exception {
        inspector.createBucket(b -> b.bucket("versioned"));
        inspector.putBucketVersioning(b -> b.bucket("versioned").versioningConfiguration(v -> v.status("Enabled")));
        var config = new StorageProperties.S3(
                endpoint, "versioned", null, "test-key", "test-secret", true, Duration.ofMinutes(10));
        try (S3AssetStore versioned = S3AssetStore.create(config, PART_SIZE)) {
            versioned.put("jobs/12/a.png", new ByteArrayInputStream(new byte[] {1}), "image/png");
            versioned.put("jobs/12/a.png", new ByteArrayInputStream(new byte[] {2}), "image/png");
            versioned.put("jobs/12/b.png", new ByteArrayInputStream(new byte[] {3}), "image/png");
            versioned.put("jobs/120/keep.png", new ByteArrayInputStream(new byte[] {4}), "image/png");
            versioned.delete("jobs/12/b.png"); // as the account deletion deletes the recorded files first

            versioned.deleteUnder("jobs/12/");

            var left = inspector.listObjectVersions(b -> b.bucket("versioned").prefix("jobs/12/"));
            assertThat(left.versions())
                    .as("no earlier version of a deleted user's file stays readable")
                    .isEmpty();
            assertThat(left.deleteMarkers()).isEmpty();
            assertThat(inspector
                            .listObjectVersions(b -> b.bucket("versioned").prefix("jobs/120/"))
                            .versions())
                    .hasSize(1);
        }
    }

    private static void startUploadWithOnePart(String key) {
        String uploadId =
                inspector.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
        inspector.uploadPart(
                b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(randomBytes(1000)));
    }

    private static List<String> pendingUploads(String prefix) {
        return inspector.listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix)).uploads().stream()
                .map(u -> u.key())
                .toList();
    }

    private static void abortAll(String prefix) {
        inspector
                .listMultipartUploads(b -> b.bucket(BUCKET).prefix(prefix))
                .uploads()
                .forEach(u -> inspector.abortMultipartUpload(
                        b -> b.bucket(BUCKET).key(u.key()).uploadId(u.uploadId())));
    }

    private static void assertThatNoObject(String key) {
        assertThat(inspector.listObjectsV2(b -> b.bucket(BUCKET).prefix(key)).contents())
                .isEmpty();
    }

    /** A stream that gives no hint of its length, like an HTTP body without Content-Length. */
    private static InputStream unknownLength(byte[] bytes) {
        return new InputStream() {
            final ByteArrayInputStream in = new ByteArrayInputStream(bytes);

            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, Math.min(len, 8192));
            }
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

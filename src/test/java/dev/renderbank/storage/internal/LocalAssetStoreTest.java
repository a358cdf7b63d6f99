package dev.renderbank.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.storage.AssetContent;
import dev.renderbank.storage.AssetStore;
import dev.renderbank.storage.StoredAsset;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalAssetStoreTest {

    @TempDir
    Path dir;

    LocalAssetStore store;

    @BeforeEach
    void setUp() throws IOException {
        store = new LocalAssetStore(dir.resolve("assets"));
    }

    @Test
    void deleteUnderTakesEverythingUnderThePrefixAndNothingElse() throws Exception {
        AssetStoreContract.deleteUnderTakesEverythingUnderThePrefixAndNothingElse(store);
    }

    /** What a copy killed mid-way left is deleted once it is old; a copy under way and stored files are not. */
    @Test
    void uploadsLeftByAKilledCopyAreSweptOnceOldAndNothingElseIs() throws Exception {
        store.put("jobs/1/kept.png", new ByteArrayInputStream(new byte[] {1, 2, 3}), "image/png");
        Path folder = dir.resolve("assets/jobs/1");
        Path abandoned = Files.write(folder.resolve(".upload-123.tmp"), new byte[] {9});
        Path abandonedType = Files.writeString(folder.resolve(".upload-124.type"), "image/png");
        Path underWay = Files.write(folder.resolve(".upload-125.tmp"), new byte[] {9});
        java.nio.file.attribute.FileTime twoHoursAgo =
                java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofHours(2)));
        Files.setLastModifiedTime(abandoned, twoHoursAgo);
        Files.setLastModifiedTime(abandonedType, twoHoursAgo);
        Files.setLastModifiedTime(folder.resolve("kept.png"), twoHoursAgo);

        assertThat(store.sweepAbandonedUploads(Duration.ofHours(1))).isEqualTo(2);
        assertThat(abandoned).doesNotExist();
        assertThat(abandonedType).doesNotExist();
        assertThat(underWay).exists();
        assertThat(store.open("jobs/1/kept.png")).isPresent();
    }

    @Test
    void putThenOpenReturnsTheSameBytesSizeTypeAndChecksum() throws Exception {
        byte[] bytes = randomBytes(300_000);

        StoredAsset stored = store.put("jobs/42/output-0.png", new ByteArrayInputStream(bytes), "image/png");

        assertThat(stored).isEqualTo(new StoredAsset("jobs/42/output-0.png", bytes.length, "image/png", sha256(bytes)));
        try (AssetContent content = open("jobs/42/output-0.png")) {
            assertThat(content.size()).isEqualTo(bytes.length);
            assertThat(content.contentType()).isEqualTo("image/png");
            assertThat(content.stream().readAllBytes()).isEqualTo(bytes);
        }
        assertThat(dir.resolve("assets/jobs/42/output-0.png")).hasBinaryContent(bytes);
    }

    /**
     * A put syncs the directories its renames and new folders changed (that the sync reaches the
     * disk only a power cut could show); here: files in new nested folders, beside existing ones and
     * at the top all store and read back.
     */
    @Test
    void filesInNewNestedFoldersBesideOthersAndAtTheTopAreStoredWhole() throws Exception {
        byte[] one = randomBytes(1000);
        byte[] two = randomBytes(2000);
        byte[] top = randomBytes(3000);

        store.put("jobs/7/a/b/one.png", new ByteArrayInputStream(one), "image/png");
        store.put("jobs/7/a/b/two.png", new ByteArrayInputStream(two), "image/png");
        store.put("top.png", new ByteArrayInputStream(top), "image/png");

        try (AssetContent a = open("jobs/7/a/b/one.png");
                AssetContent b = open("jobs/7/a/b/two.png");
                AssetContent c = open("top.png")) {
            assertThat(a.stream().readAllBytes()).isEqualTo(one);
            assertThat(b.stream().readAllBytes()).isEqualTo(two);
            assertThat(c.stream().readAllBytes()).isEqualTo(top);
        }
    }

    @Test
    void knownEmptyInputGivesTheSha256OfNothing() throws Exception {
        StoredAsset stored = store.put("empty.bin", InputStream.nullInputStream(), "application/octet-stream");

        assertThat(stored.size()).isZero();
        assertThat(stored.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void overwriteReplacesContentAndTypeAndLeavesNoTemporaryFiles() throws Exception {
        store.put("a/clip.mp4", new ByteArrayInputStream("first version".getBytes()), "video/mp4");

        StoredAsset second = store.put("a/clip.mp4", new ByteArrayInputStream("v2".getBytes()), "video/webm");

        assertThat(second.size()).isEqualTo(2);
        try (AssetContent content = open("a/clip.mp4")) {
            assertThat(new String(content.stream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("v2");
            assertThat(content.contentType()).isEqualTo("video/webm");
        }
        try (Stream<Path> files = Files.list(dir.resolve("assets/a"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("clip.mp4", ".clip.mp4.type");
        }
    }

    @Test
    void aFailingUploadLeavesThePreviousVersionAndNoTemporaryFiles() throws Exception {
        store.put("a/b.png", new ByteArrayInputStream(new byte[] {1, 2, 3}), "image/png");
        InputStream broken = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 1000) {
                    throw new IOException("connection reset");
                }
                return 7;
            }
        };

        assertThatThrownBy(() -> store.put("a/b.png", broken, "image/png")).hasMessage("connection reset");

        try (AssetContent content = open("a/b.png")) {
            assertThat(content.stream().readAllBytes()).containsExactly(1, 2, 3);
        }
        try (Stream<Path> files = Files.list(dir.resolve("assets/a"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("b.png", ".b.png.type");
        }
    }

    @Test
    void missingKeyOpensEmptyAndDeleteIsIdempotent() throws Exception {
        assertThat(store.open("nope/missing.png")).isEmpty();

        store.put("x/y.webp", new ByteArrayInputStream(new byte[] {9}), "image/webp");
        store.delete("x/y.webp");
        store.delete("x/y.webp");

        assertThat(store.open("x/y.webp")).isEmpty();
        assertThat(dir.resolve("assets/x/.y.webp.type")).doesNotExist();
    }

    @Test
    void contentTypeFallsBackToTheExtensionAndRefusesHeaderInjection() throws Exception {
        store.put("p/photo.jpg", new ByteArrayInputStream(new byte[] {1}), null);
        store.put("p/other.webp", new ByteArrayInputStream(new byte[] {1}), "image/webp\r\nSet-Cookie: x=y");
        store.put("p/blob", new ByteArrayInputStream(new byte[] {1}), "");

        assertThat(typeOf("p/photo.jpg")).isEqualTo("image/jpeg");
        assertThat(typeOf("p/other.webp")).isEqualTo("image/webp");
        assertThat(typeOf("p/blob")).isEqualTo("application/octet-stream");
    }

    @Test
    void servesThroughTheAppSoThereIsNoPresignedUrl() {
        assertThat(store.presignedUrl("a/b.png", Duration.ofMinutes(5))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/etc/passwd",
                "../outside.png",
                "a/../../outside.png",
                "a/..",
                "a//b.png",
                "a/b/",
                ".hidden",
                "a/.b.png.type",
                "a\\b.png",
                "a b.png",
                "a/b.png?x=1",
                "C:/x.png",
                "ünïcode.png",
                "a/b\u0000.png"
            })
    void refusesKeysThatCouldEscapeOrCollide(String key) {
        byte[] bytes = {1};
        assertThatThrownBy(() -> store.put(key, new ByteArrayInputStream(bytes), "image/png"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
        assertThat(AssetStore.isValidKey(key)).isFalse();
        assertThat(dir.getParent().resolve("outside.png")).doesNotExist();
    }

    @Test
    void refusesNullAndOverlongKeys() {
        assertThat(AssetStore.isValidKey(null)).isFalse();
        assertThat(AssetStore.isValidKey("a".repeat(513))).isFalse();
        assertThat(AssetStore.isValidKey("a".repeat(512))).isTrue();
        assertThat(AssetStore.isValidKey("jobs/01J9ZK/output_0.final-v2.mp4")).isTrue();
    }

    private String typeOf(String key) throws IOException {
        try (AssetContent content = open(key)) {
            return content.contentType();
        }
    }

    private AssetContent open(String key) throws IOException {
        return store.open(key).orElseThrow();
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}

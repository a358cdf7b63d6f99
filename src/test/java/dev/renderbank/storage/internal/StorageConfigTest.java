package dev.renderbank.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.storage.AssetStore;
import dev.renderbank.storage.OutputFetcher;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

/** Bean selection and property defaults, without the database. */
class StorageConfigTest {

    @TempDir
    Path dataDir;

    @EnableConfigurationProperties({StorageProperties.class, DownloadProperties.class, ReferenceLookupProperties.class})
    static class Properties {}

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withUserConfiguration(Properties.class, StorageConfig.class)
                .withPropertyValues("renderbank.data-dir=" + dataDir);
    }

    @Test
    void defaultsToALocalStoreUnderTheDataDirAndDocumentedLimits() {
        runner().run(ctx -> {
            assertThat(ctx).hasSingleBean(AssetStore.class).hasSingleBean(OutputFetcher.class);
            assertThat(ctx.getBean(AssetStore.class)).isInstanceOf(LocalAssetStore.class);
            assertThat(((LocalAssetStore) ctx.getBean(AssetStore.class)).root())
                    .isEqualTo(dataDir.resolve("assets").toAbsolutePath());
            assertThat(dataDir.resolve("assets")).isDirectory();

            DownloadProperties download = ctx.getBean(DownloadProperties.class);
            assertThat(download.maxBytes()).isEqualTo(DataSize.ofMegabytes(512));
            assertThat(download.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(download.readTimeout()).isEqualTo(Duration.ofSeconds(60));
            assertThat(download.allowedMediaTypes())
                    .contains("image/png", "image/jpeg", "image/webp", "video/mp4", "video/webm")
                    .doesNotContain("text/html");
            StorageProperties storage = ctx.getBean(StorageProperties.class);
            assertThat(storage.s3().presignTtl()).isEqualTo(Duration.ofMinutes(10));
            assertThat(storage.s3().pathStyle()).isFalse();
        });
    }

    @Test
    void anExplicitLocalDirectoryWins() {
        runner().withPropertyValues("renderbank.storage.local.dir=" + dataDir.resolve("elsewhere"))
                .run(ctx -> assertThat(((LocalAssetStore) ctx.getBean(AssetStore.class)).root())
                        .isEqualTo(dataDir.resolve("elsewhere").toAbsolutePath()));
    }

    @Test
    void s3TypeGivesExactlyOneS3Store() {
        runner().withPropertyValues(
                        "renderbank.storage.type=s3",
                        "renderbank.storage.s3.endpoint=http://127.0.0.1:9",
                        "renderbank.storage.s3.bucket=assets",
                        "renderbank.storage.s3.access-key=AKIAEXAMPLE",
                        "renderbank.storage.s3.secret-key=very-secret-value",
                        "renderbank.storage.s3.path-style=true",
                        "renderbank.storage.s3.presign-ttl=5m")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(AssetStore.class);
                    assertThat(ctx.getBean(AssetStore.class)).isInstanceOf(S3AssetStore.class);
                    StorageProperties.S3 s3 =
                            ctx.getBean(StorageProperties.class).s3();
                    assertThat(s3.resolvedRegion()).isEqualTo("us-east-1");
                    assertThat(s3.toString()).contains("assets").doesNotContain("very-secret-value");
                });
    }

    @Test
    void s3WithoutABucketRefusesToStartWithAClearMessage() {
        runner().withPropertyValues("renderbank.storage.type=s3")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("renderbank.storage.s3.bucket"));
    }

    @Test
    void anUnknownStorageTypeRefusesToStart() {
        runner().withPropertyValues("renderbank.storage.type=gcs")
                .run(ctx -> assertThat(ctx).hasFailed());
    }

    @Test
    void r2EndpointsDefaultToRegionAuto() {
        var r2 = new StorageProperties.S3(
                java.net.URI.create("https://0123abcd.r2.cloudflarestorage.com"), "b", null, null, null, false, null);
        assertThat(r2.resolvedRegion()).isEqualTo("auto");
        var explicit = new StorageProperties.S3(r2.endpoint(), "b", "eu-west-1", null, null, false, null);
        assertThat(explicit.resolvedRegion()).isEqualTo("eu-west-1");
    }

    @Test
    void privateHostsAreAllowedWhileTheSimulatorRuns() {
        runner().run(ctx -> assertThat(fetcherPolicy(ctx).allowsAnyAddress()).isTrue());
        runner().withPropertyValues("renderbank.provider.kie.api-key=  ")
                .run(ctx -> assertThat(fetcherPolicy(ctx).allowsAnyAddress()).isTrue());
    }

    @Test
    void privateHostsAreRefusedWithARealProviderKey() {
        runner().withPropertyValues("renderbank.provider.kie.api-key=kie-live-key")
                .run(ctx -> assertThat(fetcherPolicy(ctx).allowsAnyAddress()).isFalse());
    }

    /**
     * The key is read as the application binds it (the provider's gateway and the simulator's
     * switch bind {@code renderbank.provider.kie.api-key} with Spring Boot's binder), not as a raw
     * Environment string: a key written as a placeholder whose variable is not set is, to the binder,
     * the placeholder text, so the real provider runs and downloads stay on public hosts; the raw
     * read failed the start instead ("Could not resolve placeholder").
     */
    @Test
    void theProviderKeyIsReadAsTheApplicationBindsIt() {
        runner().withPropertyValues("renderbank.provider.kie.api-key=${RENDERBANK_TEST_UNSET_KIE_KEY}")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(fetcherPolicy(ctx).allowsAnyAddress()).isFalse();
                });
        runner().withPropertyValues("renderbank.provider.kie.apiKey=kie-live-key")
                .run(ctx -> assertThat(fetcherPolicy(ctx).allowsAnyAddress()).isFalse());
    }

    @Test
    void anExplicitSettingWinsEitherWay() {
        runner().withPropertyValues(
                        "renderbank.provider.kie.api-key=kie-live-key", "renderbank.download.allow-private-hosts=true")
                .run(ctx -> assertThat(fetcherPolicy(ctx).allowsAnyAddress()).isTrue());
        runner().withPropertyValues("renderbank.download.allow-private-hosts=false")
                .run(ctx -> assertThat(fetcherPolicy(ctx).allowsAnyAddress()).isFalse());
    }

    @Test
    void downloadLimitsBindFromProperties() {
        runner().withPropertyValues(
                        "renderbank.download.max-bytes=10MB",
                        "renderbank.download.read-timeout=5s",
                        "renderbank.download.allowed-content-types=image/png,video/mp4")
                .run(ctx -> {
                    DownloadProperties d = ctx.getBean(DownloadProperties.class);
                    assertThat(d.maxBytes().toBytes()).isEqualTo(10L * 1024 * 1024);
                    assertThat(d.readTimeout()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(d.allowedMediaTypes()).containsExactlyInAnyOrder("image/png", "video/mp4");
                });
    }

    private static HostPolicy fetcherPolicy(org.springframework.context.ApplicationContext ctx) {
        return ((SafeOutputFetcher) ctx.getBean(OutputFetcher.class)).policy();
    }
}

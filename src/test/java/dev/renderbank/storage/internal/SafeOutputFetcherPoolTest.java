package dev.renderbank.storage.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.renderbank.storage.internal.LocalAssetStoreTest.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.renderbank.storage.StoredAsset;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * One node copies many results at once (the scheduler's threads and the callback checks), mostly
 * from the provider's one file host. Every copy gets a connection: none waits for another copy's
 * body to finish and then fails for want of one.
 */
class SafeOutputFetcherPoolTest {

    static final int PARALLEL = 8;

    @TempDir
    Path dir;

    WireMockServer wiremock;
    SafeOutputFetcher fetcher;
    ExecutorService threads;

    @BeforeEach
    void setUp() throws Exception {
        wiremock = new WireMockServer(
                options().dynamicPort().bindAddress("127.0.0.1").containerThreads(4 * PARALLEL));
        wiremock.start();
        // the connection-request timeout is the connect timeout (1 s); each body takes 2.5 s
        DownloadProperties limits = new DownloadProperties(
                DataSize.ofMegabytes(1),
                false,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(20),
                List.of("image/png"));
        fetcher = new SafeOutputFetcher(
                new LocalAssetStore(dir), limits, HostPolicy.publicOnly().trusting("localhost"));
        threads = Executors.newFixedThreadPool(PARALLEL);
    }

    @AfterEach
    void tearDown() throws Exception {
        threads.shutdownNow();
        fetcher.close();
        wiremock.stop();
    }

    @Test
    void eightSlowCopiesFromOneHostAtOnceAllSucceed() throws Exception {
        byte[] png = randomBytes(1000);
        wiremock.stubFor(get(urlPathMatching("/files/.*"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "image/png")
                        .withBody(png)
                        .withFixedDelay(2500)));

        List<Future<StoredAsset>> copies = new ArrayList<>();
        for (int i = 0; i < PARALLEL; i++) {
            URI url = URI.create("http://localhost:" + wiremock.port() + "/files/r" + i + ".png?sig=s");
            String key = "jobs/1/r" + i + ".png";
            copies.add(threads.submit(() -> fetcher.fetch(url, key)));
        }

        for (int i = 0; i < PARALLEL; i++) {
            StoredAsset stored = copies.get(i).get(30, TimeUnit.SECONDS);
            assertThat(stored.size()).as("copy %d", i).isEqualTo(png.length);
        }
    }
}

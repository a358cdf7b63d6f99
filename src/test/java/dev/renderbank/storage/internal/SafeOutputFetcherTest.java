package dev.renderbank.storage.internal;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.renderbank.storage.internal.LocalAssetStoreTest.randomBytes;
import static dev.renderbank.storage.internal.LocalAssetStoreTest.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.Options;
import dev.renderbank.storage.AssetContent;
import dev.renderbank.storage.OutputFetcher.FetchRefusedException;
import dev.renderbank.storage.StoredAsset;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.unit.DataSize;

/**
 * The downloader against WireMock on loopback. Loopback is exactly what the production policy
 * refuses, so tests that need a successful first hop trust the name {@code localhost} (or resolve
 * a made-up name to loopback) and everything else is judged as in production.
 */
class SafeOutputFetcherTest {

    static final int MAX_BYTES = 64 * 1024;

    static WireMockServer wiremock;

    @TempDir
    Path dir;

    LocalAssetStore store;
    SafeOutputFetcher fetcher;

    @BeforeAll
    static void startWireMock() {
        wiremock = new WireMockServer(options()
                .dynamicPort()
                .bindAddress("127.0.0.1")
                .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER));
        wiremock.start();
    }

    @AfterAll
    static void stopWireMock() {
        wiremock.stop();
    }

    @BeforeEach
    void setUp() throws IOException {
        wiremock.resetAll();
        store = new LocalAssetStore(dir);
    }

    @AfterEach
    void closeFetcher() throws IOException {
        if (fetcher != null) {
            fetcher.close();
        }
    }

    /** Generous read timeout: a cold WireMock can take a second to answer its first request. */
    static DownloadProperties limits(Duration readTimeout) {
        return new DownloadProperties(
                DataSize.ofBytes(MAX_BYTES),
                false,
                Duration.ofSeconds(2),
                readTimeout,
                Duration.ofSeconds(20),
                List.of("image/png", "image/jpeg", "video/mp4", "application/octet-stream"));
    }

    SafeOutputFetcher fetcher(HostPolicy policy) {
        fetcher = new SafeOutputFetcher(store, limits(Duration.ofSeconds(10)), policy);
        return fetcher;
    }

    /** Production rules, except that the first hop's name {@code localhost} may be loopback. */
    SafeOutputFetcher trustingLocalhost() {
        return fetcher(HostPolicy.publicOnly().trusting("localhost"));
    }

    static String localhost(String path) {
        return "http://localhost:" + wiremock.port() + path;
    }

    static String loopback(String path) {
        return "http://127.0.0.1:" + wiremock.port() + path;
    }

    static void serve(String path, byte[] body, String contentType) {
        wiremock.stubFor(get(urlEqualTo(path))
                .willReturn(aResponse().withHeader("Content-Type", contentType).withBody(body)));
    }

    static void redirect(String path, int status, String location) {
        wiremock.stubFor(
                get(urlEqualTo(path)).willReturn(aResponse().withStatus(status).withHeader("Location", location)));
    }

    // --- happy paths

    @Test
    void streamsAnAllowedFileIntoTheStoreWithItsSizeAndSha256() throws Exception {
        byte[] png = randomBytes(50_000);
        serve("/results/abc.png?sig=secret", png, "image/png");

        StoredAsset stored =
                trustingLocalhost().fetch(URI.create(localhost("/results/abc.png?sig=secret")), "jobs/1/out.png");

        assertThat(stored).isEqualTo(new StoredAsset("jobs/1/out.png", png.length, "image/png", sha256(png)));
        try (AssetContent content = store.open("jobs/1/out.png").orElseThrow()) {
            assertThat(content.stream().readAllBytes()).isEqualTo(png);
            assertThat(content.contentType()).isEqualTo("image/png");
        }
    }

    @Test
    void aBodyOfExactlyTheLimitPassesEvenWhenChunked() throws Exception {
        byte[] body = randomBytes(MAX_BYTES);
        wiremock.stubFor(get(urlEqualTo("/exact.mp4"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "video/mp4")
                        .withHeader("Transfer-Encoding", "chunked")
                        .withBody(body)));

        StoredAsset stored = trustingLocalhost().fetch(URI.create(localhost("/exact.mp4")), "a/exact.mp4");

        assertThat(stored.size()).isEqualTo(MAX_BYTES);
        assertThat(stored.sha256()).isEqualTo(sha256(body));
    }

    @Test
    void genericBinaryTypesAreNamedFromTheFileExtension() throws Exception {
        serve("/files/clip.mp4", new byte[] {1, 2, 3}, "application/octet-stream");

        StoredAsset stored = trustingLocalhost().fetch(URI.create(localhost("/files/clip.mp4")), "a/clip");

        assertThat(stored.contentType()).isEqualTo("video/mp4");
    }

    @Test
    void simulatorModeMayFetchFromLoopback() throws Exception {
        serve("/sim/out.png", new byte[] {4, 5, 6}, "image/png");

        StoredAsset stored =
                fetcher(HostPolicy.anyAddress()).fetch(URI.create(loopback("/sim/out.png")), "sim/out.png");

        assertThat(stored.size()).isEqualTo(3);
    }

    @Test
    void connectsOnlyToAddressesThePolicyResolved() throws Exception {
        // "cdn.invalid" exists only in this resolver: the HTTP client must use it to connect at all,
        // which is what pins the connection to the addresses the policy checked
        AtomicInteger lookups = new AtomicInteger();
        HostPolicy policy = HostPolicy.anyAddress().withResolver(host -> {
            lookups.incrementAndGet();
            if (host.equals("cdn.invalid")) {
                return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            }
            throw new UnknownHostException(host);
        });
        serve("/x.png", new byte[] {7}, "image/png");

        fetcher(policy).fetch(URI.create("http://cdn.invalid:" + wiremock.port() + "/x.png"), "x.png");

        assertThat(lookups)
                .as("checked before the request and again at connect")
                .hasValueGreaterThanOrEqualTo(2);
    }

    @Test
    void followsUpToThreeRedirectsCheckingEachHop() throws Exception {
        redirect("/hop1", 301, "/hop2");
        redirect("/hop2", 302, localhost("/hop3"));
        redirect("/hop3", 307, "hop4.png");
        serve("/hop4.png", new byte[] {1, 2}, "image/png");

        StoredAsset stored = trustingLocalhost().fetch(URI.create(localhost("/hop1")), "r/ok.png");

        assertThat(stored.size()).isEqualTo(2);
    }

    // --- refusals: addresses

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:{port}/x.png",
                "http://localhost:{port}/x.png",
                "http://LOCALHOST:{port}/x.png",
                "http://[::1]:{port}/x.png",
                "http://[::ffff:127.0.0.1]:{port}/x.png",
                "http://0.0.0.0:{port}/x.png",
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "http://[fd00:ec2::254]/latest/meta-data/",
                "http://10.0.0.7/x.png",
                "https://10.1.2.3/x.png",
                "http://172.16.5.4/x.png",
                "http://192.168.0.1/x.png",
                "http://100.64.0.1/x.png",
                "http://[fe80::1]/x.png",
                "http://[fc00::1]/x.png"
            })
    void refusesLoopbackPrivateAndMetadataAddressesWithoutConnecting(String url) {
        serve("/x.png", new byte[] {1}, "image/png");
        SafeOutputFetcher production = fetcher(HostPolicy.publicOnly());

        assertThatThrownBy(() -> production.fetch(URI.create(url.replace("{port}", "" + wiremock.port())), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("non-public address");

        wiremock.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void aNameThatChangesItsAnswerBetweenCheckAndConnectIsRefused() {
        // DNS rebinding: the first answer passes the check, the one used to connect must pass too.
        // Here 127.0.0.2 stands for "a public address" (and nothing listens there, should it be used).
        AtomicInteger lookups = new AtomicInteger();
        HostPolicy policy = HostPolicy.publicOnly()
                .withAddressCheck(address -> address.getHostAddress().equals("127.0.0.2"))
                .withResolver(host -> new InetAddress[] {
                    InetAddress.getByName(lookups.incrementAndGet() == 1 ? "127.0.0.2" : "127.0.0.1")
                });
        serve("/x.png", new byte[] {1}, "image/png");

        assertThatThrownBy(() -> fetcher(policy)
                        .fetch(URI.create("http://rebind.invalid:" + wiremock.port() + "/x.png"), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("127.0.0.1");
        assertThat(lookups).hasValue(2);
        wiremock.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void refusesANameThatResolvesToAPrivateAddress() {
        HostPolicy policy = HostPolicy.publicOnly().withResolver(host ->
                new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")});

        assertThatThrownBy(() -> fetcher(policy)
                        .fetch(URI.create("http://mixed.invalid:" + wiremock.port() + "/x.png"), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("127.0.0.1");
        wiremock.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "file:///etc/passwd",
                "ftp://example.com/out.png",
                "gopher://127.0.0.1:70/_GET",
                "jar:file:/tmp/x.jar!/a.png",
                "dict://127.0.0.1:11211/stat",
                "mailto:ops@example.com",
                "http:relative/path.png",
                "//example.com/no-scheme.png",
                "http://user:secret@localhost:1/x.png"
            })
    void refusesAnythingButPlainHttpUrls(String url) {
        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(url), "x.png"))
                .isInstanceOf(FetchRefusedException.class);
    }

    // --- refusals: redirects

    @Test
    void refusesARedirectToLoopbackAndNeverRequestsIt() {
        redirect("/r/loopback", 302, loopback("/secret"));
        wiremock.stubFor(get(urlEqualTo("/secret")).willReturn(aResponse().withBody("internal")));

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/r/loopback")), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("127.0.0.1");

        wiremock.verify(1, getRequestedFor(urlEqualTo("/r/loopback")));
        wiremock.verify(0, getRequestedFor(urlEqualTo("/secret")));
    }

    @Test
    void refusesARedirectToTheCloudMetadataService() {
        redirect("/r/metadata", 301, "http://169.254.169.254/latest/meta-data/iam/security-credentials/");

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/r/metadata")), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("169.254.169.254");
    }

    @Test
    void refusesARedirectToAnotherScheme() {
        redirect("/r/file", 302, "file:///etc/passwd");

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/r/file")), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("only http and https");
    }

    @Test
    void refusesAFourthRedirect() {
        redirect("/loop1", 302, "/loop2");
        redirect("/loop2", 302, "/loop3");
        redirect("/loop3", 302, "/loop4");
        redirect("/loop4", 302, "/final.png");
        serve("/final.png", new byte[] {1}, "image/png");

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/loop1")), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("redirects");
        wiremock.verify(0, getRequestedFor(urlEqualTo("/final.png")));
    }

    @Test
    void refusesARedirectWithoutLocation() {
        wiremock.stubFor(get(urlEqualTo("/r/none")).willReturn(aResponse().withStatus(302)));

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/r/none")), "x.png"))
                .isInstanceOf(FetchRefusedException.class);
    }

    // --- refusals: size, type, status

    @Test
    void refusesADeclaredLengthOverTheLimitBeforeReadingIt() {
        serve("/big.png", randomBytes(MAX_BYTES + 1), "image/png");

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/big.png")), "big/x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("declared length " + (MAX_BYTES + 1));
        assertThat(dir.resolve("big/x.png")).doesNotExist();
    }

    @Test
    void abortsAChunkedBodyThatGrowsPastTheLimitAndStoresNothing() throws Exception {
        wiremock.stubFor(get(urlEqualTo("/endless.mp4"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "video/mp4")
                        .withHeader("Transfer-Encoding", "chunked")
                        .withBody(randomBytes(4 * MAX_BYTES))
                        .withChunkedDribbleDelay(8, 400)));

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/endless.mp4")), "big/y.mp4"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("larger than " + MAX_BYTES);
        assertThat(store.open("big/y.mp4")).isEmpty();
        try (var files = java.nio.file.Files.list(dir.resolve("big"))) {
            assertThat(files).as("no temporary file left behind").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "text/html; charset=utf-8", "application/json", "image/svg+xml"})
    void refusesContentTypesOutsideTheList(String type) {
        serve("/page", "<script>alert(1)</script>".getBytes(), type);

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/page")), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("content type");
        assertThat(dir.resolve("x.png")).doesNotExist();
    }

    @Test
    void refusesCompressedBodies() {
        wiremock.stubFor(get(urlEqualTo("/gz.png"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "image/png")
                        .withHeader("Content-Encoding", "gzip")
                        .withBody(new byte[] {31, -117, 8, 0})));

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/gz.png")), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("encoding");
    }

    @ParameterizedTest
    @ValueSource(ints = {204, 400, 401, 405})
    void refusesClientErrorsAndEmptyAnswers(int status) {
        wiremock.stubFor(get(urlEqualTo("/gone.png")).willReturn(aResponse().withStatus(status)));

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/gone.png")), "x.png"))
                .isInstanceOf(FetchRefusedException.class)
                .hasMessageContaining("HTTP " + status);
    }

    @ParameterizedTest
    @ValueSource(ints = {403, 404, 410, 429, 500, 502, 503})
    void serverTroubleAndAFileNotServedYetAreRetryableNotARefusal(int status) {
        wiremock.stubFor(get(urlEqualTo("/busy.png")).willReturn(aResponse().withStatus(status)));

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/busy.png")), "x.png"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP " + status);
    }

    /**
     * A 200 with an empty body (a CDN edge answering before the file reached it) was stored as the
     * job's output, 0 bytes, and the job charged in full. It is a file not served yet: retryable,
     * and nothing stays stored, whether the length is declared or the body is chunked.
     */
    @Test
    void anEmptyBodyIsAFileNotServedYetAndNothingIsStored() throws Exception {
        serve("/empty.png", new byte[0], "image/png");
        wiremock.stubFor(get(urlEqualTo("/empty-chunked.mp4"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "video/mp4")
                        .withHeader("Transfer-Encoding", "chunked")
                        .withBody(new byte[0])));

        for (String path : new String[] {"/empty.png", "/empty-chunked.mp4"}) {
            assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost(path)), "e" + path))
                    .as(path)
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(FetchRefusedException.class)
                    .hasMessageContaining("empty body");
            assertThat(store.open("e" + path)).as(path).isEmpty();
        }
    }

    /**
     * Two fetches of one job's result may run at once (its callback's check and its own poll): the
     * first stores the file and the job is charged; an empty answer to the second must leave that
     * file alone. It was moved over it and then deleted, so the charged job's file was gone.
     */
    @Test
    void anEmptyBodyLeavesAFileStoredUnderTheKeyBeforeItUntouched() throws Exception {
        byte[] png = randomBytes(20_000);
        serve("/done.png", png, "image/png");
        wiremock.stubFor(get(urlEqualTo("/edge.png"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "image/png")
                        .withHeader("Transfer-Encoding", "chunked")
                        .withBody(new byte[0])));
        trustingLocalhost().fetch(URI.create(localhost("/done.png")), "jobs/2/out.png");

        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/edge.png")), "jobs/2/out.png"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("empty body");
        try (AssetContent content = store.open("jobs/2/out.png").orElseThrow()) {
            assertThat(content.stream().readAllBytes()).isEqualTo(png);
        }
    }

    @Test
    void aServerThatStallsTimesOutAsARetryableError() {
        wiremock.stubFor(get(urlEqualTo("/slow.png"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "image/png")
                        .withBody(new byte[] {1})
                        .withFixedDelay(5000)));

        fetcher = new SafeOutputFetcher(store, limits(Duration.ofMillis(500)), HostPolicy.anyAddress());

        assertThatThrownBy(() -> fetcher.fetch(URI.create(localhost("/slow.png")), "slow.png"))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(FetchRefusedException.class);
        assertThat(dir.resolve("slow.png")).doesNotExist();
    }

    @Test
    void refusesBadStorageKeysBeforeAnyRequest() {
        assertThatThrownBy(() -> trustingLocalhost().fetch(URI.create(localhost("/x.png")), "../x.png"))
                .isInstanceOf(IllegalArgumentException.class);
        wiremock.verify(0, anyRequestedFor(anyUrl()));
    }
}

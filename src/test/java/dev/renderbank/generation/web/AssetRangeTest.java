package dev.renderbank.generation.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A browser plays a video through {@code <video src=/api/v1/assets/…>} only when the file answers
 * byte ranges (iOS Safari asks for {@code bytes=0-1} first): one range is answered with 206 and just
 * those bytes, one past the end with 416, each to the owner only and with the usual headers.
 */
class AssetRangeTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    KieSimulator simulator;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void resetSimulator() {
        simulator.reset();
    }

    @Test
    void oneRangeIsAnsweredWithJustItsBytesAndOnlyToTheOwner() throws Exception {
        TestUser owner = users.create(20);
        Api api = new Api(port);
        String url = generated(api, owner, "a ranged file");
        byte[] whole = api.download(url, owner.token());
        int size = whole.length;
        assertThat(size).isGreaterThan(10);

        HttpResponse<byte[]> firstTwo = get(url, owner, "bytes=0-1");
        assertThat(firstTwo.statusCode()).isEqualTo(206);
        assertThat(firstTwo.body()).isEqualTo(Arrays.copyOfRange(whole, 0, 2));
        assertThat(firstTwo.headers().firstValue("Content-Range")).hasValue("bytes 0-1/" + size);
        assertThat(firstTwo.headers().firstValue("Content-Length")).hasValue("2");
        assertThat(firstTwo.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(firstTwo.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(firstTwo.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(firstTwo.headers().firstValue("Cache-Control")).hasValue("private, no-cache");

        HttpResponse<byte[]> fromFive = get(url, owner, "bytes=5-");
        assertThat(fromFive.statusCode()).isEqualTo(206);
        assertThat(fromFive.body()).isEqualTo(Arrays.copyOfRange(whole, 5, size));

        HttpResponse<byte[]> lastThree = get(url, owner, "bytes=-3");
        assertThat(lastThree.statusCode()).isEqualTo(206);
        assertThat(lastThree.body()).isEqualTo(Arrays.copyOfRange(whole, size - 3, size));
        assertThat(lastThree.headers().firstValue("Content-Range"))
                .hasValue("bytes " + (size - 3) + "-" + (size - 1) + "/" + size);

        HttpResponse<byte[]> pastTheEnd = get(url, owner, "bytes=" + size + "-");
        assertThat(pastTheEnd.statusCode()).isEqualTo(416);
        assertThat(pastTheEnd.headers().firstValue("Content-Range")).hasValue("bytes */" + size);

        HttpResponse<byte[]> several = get(url, owner, "bytes=0-1,4-5");
        assertThat(several.statusCode()).isEqualTo(200);
        assertThat(several.body()).isEqualTo(whole);

        TestUser stranger = users.create(0);
        assertThat(get(url, stranger, "bytes=0-1").statusCode()).isEqualTo(404);
    }

    /** Range applies to GET only (RFC 9110 section 14.2): a HEAD asking for a range is told of the whole file. */
    @Test
    void headIgnoresTheRange() throws Exception {
        TestUser owner = users.create(20);
        Api api = new Api(port);
        String url = generated(api, owner, "a headed file");
        int size = api.download(url, owner.token()).length;

        for (String range : new String[] {"bytes=0-1", "bytes=" + size + "-"}) {
            HttpResponse<Void> head = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + url))
                            .header("Authorization", "Bearer " + owner.token())
                            .header("Range", range)
                            .method("HEAD", HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(head.statusCode()).as(range).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length")).as(range).hasValue(Integer.toString(size));
            assertThat(head.headers().firstValue("Content-Range")).as(range).isEmpty();
        }
    }

    /**
     * A browser may keep a file but asks before each use: an unchanged file is a 304 without its bytes,
     * to its owner only, and nobody signed out, no stranger and no deleted file gets it from a cache.
     * A range resumed with the file's tag (If-Range) is answered as a range.
     */
    @Test
    void aKeptFileIsAskedForEachTimeAndOnlyItsOwnerIsToldItIsUnchanged() throws Exception {
        TestUser owner = users.create(20);
        Api api = new Api(port);
        String url = generated(api, owner, "a kept file");
        HttpResponse<byte[]> whole = send(url, owner.token(), null, null);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Cache-Control")).hasValue("private, no-cache");
        String tag = whole.headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> unchanged = send(url, owner.token(), "If-None-Match", tag);
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(unchanged.body()).isEmpty();
        assertThat(unchanged.headers().firstValue("ETag")).hasValue(tag);
        assertThat(send(url, owner.token(), "If-None-Match", "W/" + tag + ", \"other\"")
                        .statusCode())
                .isEqualTo(304);
        assertThat(send(url, owner.token(), "If-None-Match", "\"other\"").statusCode())
                .isEqualTo(200);

        assertThat(send(url, null, "If-None-Match", tag).statusCode()).isEqualTo(401);
        assertThat(send(url, users.create(0).token(), "If-None-Match", tag).statusCode())
                .isEqualTo(404);

        HttpResponse<byte[]> resumed = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + url))
                        .header("Authorization", "Bearer " + owner.token())
                        .header("Range", "bytes=0-1")
                        .header("If-Range", tag)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(resumed.statusCode()).isEqualTo(206);
        assertThat(resumed.body()).isEqualTo(Arrays.copyOfRange(whole.body(), 0, 2));

        HttpResponse<Void> deleted = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + url))
                        .header("Authorization", "Bearer " + owner.token())
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(send(url, owner.token(), "If-None-Match", tag).statusCode()).isEqualTo(404);
    }

    /** The asset URL of a finished image of {@code owner}'s. */
    private String generated(Api api, TestUser owner, String prompt) {
        simulator.setImageDuration(Duration.ofMillis(300));
        Api.Response r = api.post(
                "/api/v1/generate-image", owner.token(), "{\"model\":\"nano-banana\",\"prompt\":\"" + prompt + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode done = api.awaitTerminal(r.json().get("taskId").asString(), owner.token());
        return done.get("assetUrl").asString();
    }

    private HttpResponse<byte[]> send(String path, String token, String header, String value) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (header != null) {
            b.header(header, value);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String path, TestUser user, String range) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Authorization", "Bearer " + user.token())
                        .header("Range", range)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}

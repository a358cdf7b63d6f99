package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Request bodies the generate endpoints refuse (issue 9, items 14 to 16): each is a 4xx
 * problem+json naming the field to fix, and nothing is held or written. Runs with the built-in
 * simulator, whose outputs live on this machine, so loopback references are allowed here.
 */
class GenerationInputTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    Api api;
    TestUser user;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        user = users.create(100);
    }

    private void assertRefused(String path, String body, int status, String field) {
        Api.Response r = api.post(path, user.token(), body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo(field);
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(api.get("/api/v1/generations", user.token())
                        .json()
                        .get("items")
                        .size())
                .isZero();
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(strings = {"0000", "0007", "0008", "000b", "000c", "001b", "007f", "0085", "009b"})
    void controlCharactersInThePromptAreA400NamingIt(String hex) {
        String prompt = "a\\u" + hex + "b";
        assertRefused(
                "/api/v1/generate-image", "{\"model\":\"nano-banana\",\"prompt\":\"" + prompt + "\"}", 400, "prompt");
        assertRefused("/api/v1/generate-video", "{\"model\":\"sora-2\",\"prompt\":\"" + prompt + "\"}", 400, "prompt");
    }

    /**
     * An option the request type does not have is a 400 naming it, not ignored: an image request with
     * an aspect ratio or a duration, a video request with an output format, a misspelt name. Ignored,
     * it was charged for and not honoured (a square image for "portrait").
     */
    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":\"p\",\"aspectRatio\":\"portrait\"} | aspectRatio",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":\"p\",\"durationSeconds\":15} | durationSeconds",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":\"p\",\"resolutoin\":\"1K\"} | resolutoin",
                "/api/v1/generate-video | {\"model\":\"sora-2\",\"prompt\":\"p\",\"outputFormat\":\"png\"} | outputFormat",
                "/api/v1/generate-video | {\"model\":\"sora-2\",\"prompt\":\"p\",\"foo\":null} | foo"
            })
    void anOptionTheRequestTypeDoesNotHaveIsA400NamingIt(String path, String body, String field) {
        assertRefused(path, body, 400, field);
    }

    /** A value of the wrong type names the field and the kind of value it takes, in words, not Java's types. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/v1/generate-video | {\"model\":\"sora-2\",\"prompt\":\"p\",\"durationSeconds\":\"15\"} | durationSeconds must be a whole number",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":123} | prompt must be text"
            })
    void aValueOfTheWrongTypeSaysWhatTheFieldTakes(String path, String body, String detail) {
        assertRefused(path, body, 400, detail.substring(0, detail.indexOf(' ')));
        Api.Response r = api.post(path, user.token(), body);
        assertThat(r.json().get("detail").asString()).isEqualTo(detail);
        assertThat(r.json().get("errors").get(0).get("message").asString())
                .isEqualTo(detail.substring(detail.indexOf(' ') + 1));
    }

    /**
     * A value of the right JSON type that cannot be read says so (not "the wrong JSON type"): bytes
     * that are not UTF-8 inside the prompt string.
     */
    @Test
    void aPromptThatIsNotUtf8IsA400SayingSo() throws Exception {
        byte[] body = "{\"model\":\"nano-banana\",\"prompt\":\"caf\u00e9 \u00ff\"}"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://localhost:" + port + "/api/v1/generate-image"))
                                .header("Authorization", "Bearer " + user.token())
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("UTF-8").doesNotContain("wrong JSON type");
        assertThat(ledger.balance(user.id())).isEqualTo(new Balance(100, 0, 0));
    }

    @Test
    void aPromptOnSeveralLinesIsFine() {
        Api.Response r = api.post(
                "/api/v1/generate-image",
                user.token(),
                "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse,\\r\\n\\tat dusk\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":123} | prompt",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":12.5} | prompt",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":true} | prompt",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":[\"a\"]} | prompt",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":{\"a\":1}} | prompt",
                "/api/v1/generate-image | {\"model\":42,\"prompt\":\"x\"} | model",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":\"x\",\"imageUrls\":\"https://a.example/x.png\"} | imageUrls",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":\"x\",\"imageUrls\":[7]} | imageUrls[0]",
                "/api/v1/generate-image | {\"model\":\"nano-banana\",\"prompt\":\"x\",\"outputFormat\":false} | outputFormat",
                "/api/v1/generate-video | {\"model\":\"sora-2\",\"prompt\":\"x\",\"durationSeconds\":\"15\"} | durationSeconds",
                "/api/v1/generate-video | {\"model\":\"sora-2\",\"prompt\":\"x\",\"durationSeconds\":15.0} | durationSeconds",
                "/api/v1/generate-video | {\"model\":\"sora-2\",\"prompt\":\"x\",\"durationSeconds\":true} | durationSeconds",
                "/api/v1/generate-video | {\"model\":\"sora-2\",\"prompt\":\"x\",\"aspectRatio\":1} | aspectRatio"
            })
    void aValueOfTheWrongJsonTypeIsA400NamingTheField(String path, String body, String field) {
        assertRefused(path, body, 400, field);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "http://[fd00:ec2::254]/latest/meta-data/",
                "http://[::ffff:169.254.169.254]/latest/meta-data/",
                "http://10.0.0.8/cat.png",
                "http://172.16.5.4/cat.png",
                "https://192.168.1.20/cat.png",
                "http://100.64.0.1/cat.png",
                "http://[fe80::1]/cat.png",
                "http://0.0.0.0/cat.png",
                "http://2130706433/cat.png"
            })
    void aReferenceImageOnAPrivateOrMetadataHostIsA422NamingIt(String url) {
        assertRefused(
                "/api/v1/generate-image",
                "{\"model\":\"nano-banana\",\"prompt\":\"x\",\"imageUrls\":[\"https://cdn.example.com/ok.png\",\"" + url
                        + "\"]}",
                422,
                "imageUrls[1]");
        assertRefused(
                "/api/v1/generate-video",
                "{\"model\":\"sora-2\",\"prompt\":\"x\",\"imageUrls\":[\"" + url + "\"]}",
                422,
                "imageUrls[0]");
    }

    @Test
    void theSimulatorMayBeGivenALoopbackReference() {
        Api.Response r = api.post(
                "/api/v1/generate-image",
                user.token(),
                "{\"model\":\"nano-banana\",\"prompt\":\"x\",\"imageUrls\":[\"http://127.0.0.1:" + port
                        + "/sim/kie/ref.png\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
    }
}

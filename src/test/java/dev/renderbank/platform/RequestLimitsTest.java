package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies are capped on every path, not only under {@code /api/}; the simulator (public,
 * keyed) checks its key before it reads a byte; the JSON mapper itself refuses oversize documents
 * (issue 9, item 3: a 39 MB unauthenticated body to {@code /sim/**} took about 1 GB of heap).
 */
class RequestLimitsTest extends IntegrationTest {

    private static final int OVER_THE_CAP = 2 * 1024 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    JsonMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String path, byte[] body, String contentType) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, byte[] body, String contentType, String accept) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .header("Content-Type", contentType)
                                .header("Accept", accept)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anOversizeBodyIsRefusedOnEveryPath() throws Exception {
        byte[] big = new byte[OVER_THE_CAP];
        for (String path : List.of(
                "/sim/kie/api/v1/jobs/createTask",
                "/sim/kie/api/v1/flux/kontext/generate",
                "/login",
                "/checkout/simulated/chk_x/pay",
                "/anything/else",
                "/api/webhooks/creem")) {
            HttpResponse<String> r = post(path, big, "application/json");
            assertThat(r.statusCode()).as(path).isEqualTo(413);
            assertThat(r.headers().firstValue("Content-Type"))
                    .as(path)
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        }
    }

    /**
     * A browser sending a page's form (or an upload) over the cap gets the HTML error page with the
     * 413, the security headers and words a person can act on (the form was too large, and the
     * limit), not the problem+json written for API clients; clients that do not ask for HTML, and
     * every {@code /api/} path, keep problem+json.
     */
    @Test
    void aFormOverTheCapFromABrowserGetsTheErrorPage() throws Exception {
        String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        // over the 1 MB cap and under Tomcat's 2 MB swallow limit, so Tomcat reads the rest of the body
        // after answering (past 2 MB it closes at once, and this client saw some pages cut short)
        byte[] form = ("email=a%40b.c&password=" + "x".repeat(1536 * 1024)).getBytes(StandardCharsets.US_ASCII);
        List<String> wrong = new ArrayList<>();
        for (String path : List.of("/login", "/signup", "/account/tokens", "/anything/else")) {
            for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=zz")) {
                HttpResponse<String> r = post(path, form, type, browser);
                String seen = path + " " + type + " -> " + r.statusCode() + " "
                        + r.headers().firstValue("Content-Type").orElse("") + " "
                        + r.body()
                                .substring(0, Math.min(300, r.body().length()))
                                .replaceAll("\\s+", " ");
                if (r.statusCode() != 413
                        || !r.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
                    wrong.add(seen);
                } else if (!r.body().contains("role=\"alert\"")
                        || !r.body().contains("too large")
                        || !r.body().contains("1 MB")
                        || r.body().contains("Exception")) {
                    wrong.add("no clear message: " + seen);
                }
                for (String header : List.of(
                        "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")) {
                    if (r.headers().firstValue(header).isEmpty()) {
                        wrong.add("no " + header + ": " + seen);
                    }
                }
            }
        }
        assertThat(wrong).as("browsers answered wrongly").isEmpty();

        for (String accept : new String[] {"application/json", "*/*"}) {
            HttpResponse<String> r = post("/login", form, "application/x-www-form-urlencoded", accept);
            assertThat(r.statusCode()).as(accept).isEqualTo(413);
            assertThat(r.headers().firstValue("Content-Type").orElse(""))
                    .as(accept)
                    .startsWith("application/problem+json");
        }
        for (String path : List.of("/api/webhooks/creem", "/api/v1/generate-image")) {
            HttpResponse<String> r = post(path, form, "application/x-www-form-urlencoded", browser);
            assertThat(r.statusCode()).as(path).isEqualTo(413);
            assertThat(r.headers().firstValue("Content-Type").orElse(""))
                    .as(path)
                    .startsWith("application/problem+json");
        }
    }

    /**
     * A form body on PUT, PATCH or DELETE, on any path and without signing in: a bad %-escape, or a
     * chunked body over the cap. Spring's form filter read such bodies before anything could answer
     * for them, so both were 500s with an ERROR stack trace in the log; nothing here takes form
     * parameters on those methods, so the body is left to the handler (or the 401/403/404) as any other.
     */
    @Test
    void aFormBodyOnPutPatchOrDeleteIsNeverA500() throws Exception {
        byte[] big = ("a=" + "x".repeat(OVER_THE_CAP)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            for (String path : List.of("/login", "/anything/else", "/api/v1/notification-settings")) {
                assertThat(formStatus(method, path, HttpRequest.BodyPublishers.ofString("a=%zz")))
                        .as(method + " " + path + " a=%zz")
                        .isBetween(400, 499);
                assertThat(formStatus(
                                method,
                                path,
                                HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))))
                        .as(method + " " + path + " chunked over the cap")
                        .isBetween(400, 499);
            }
        }
    }

    /** The status of one form request on a connection of its own (none left over from an earlier refusal). */
    private int formStatus(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .method(method, body)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    /** No Content-Length (chunked): the body is cut off when it passes the cap, wherever it goes. */
    @Test
    void aChunkedBodyOverTheCapIsCutOffOutsideTheApiToo() throws Exception {
        byte[] json = ("{\"model\":\"google/nano-banana\",\"input\":{\"prompt\":\"a fox\"},\"padding\":\""
                        + "x".repeat(OVER_THE_CAP) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sim/kie/api/v1/jobs/createTask"))
                        .header("Content-Type", "application/json")
                        .header("Authorization", "Bearer " + simulator.apiKey())
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(json)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).doesNotContain("taskId");
    }

    /**
     * A body that says it is multipart but cannot be parsed as such (no boundary, or not multipart at
     * all) is the client's mistake: the public webhook, callback and health paths, and an API route
     * with a valid token, answer 4xx problem+json (400 when it cannot be parsed), not a 500 logged as
     * our failure.
     */
    @Test
    void aMultipartBodyThatCannotBeParsedIsA400ProblemNotA500() throws Exception {
        for (String path : List.of(
                "/api/webhooks/stripe",
                "/api/webhooks/creem",
                "/api/provider/kie/callback/gen_x",
                "/actuator/health",
                "/api/v1/generate-image")) {
            for (String type : List.of("multipart/form-data", "multipart/form-data; boundary=zz")) {
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", type)
                        .POST(HttpRequest.BodyPublishers.ofString("garbage"));
                if (path.startsWith("/api/v1/")) {
                    request.header("Authorization", "Bearer " + DEMO_TOKEN); // the public paths go without
                }
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                // without a boundary it cannot be parsed at all (400); with one, the webhook may find no
                // body to check first (401): the client's mistake either way, never a 500
                assertThat(r.statusCode())
                        .as(path + " " + type + ": " + r.body())
                        .isBetween(400, 499);
                if (!type.contains("boundary")) {
                    assertThat(r.statusCode())
                            .as(path + " " + type + ": " + r.body())
                            .isEqualTo(400);
                }
                assertThat(r.headers().firstValue("Content-Type"))
                        .as(path)
                        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            }
        }
    }

    @Autowired
    dev.renderbank.provider.simulator.KieSimulator simulator;

    @Test
    void theSimulatorRefusesAMissingOrWrongKeyBeforeReadingTheBody() throws Exception {
        byte[] notJson = "{ this is not json".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (String path : List.of("/sim/kie/api/v1/jobs/createTask", "/sim/kie/api/v1/flux/kontext/generate")) {
            HttpResponse<String> anonymous = post(path, notJson, "application/json");
            assertThat(anonymous.statusCode()).as(path).isEqualTo(401);
            assertThat(anonymous.body()).as(path).contains("\"code\":401");

            HttpResponse<String> wrongKey = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer not-the-key")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(notJson))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(wrongKey.statusCode()).as(path).isEqualTo(401);
        }
    }

    @Test
    void theApplicationsJsonMapperRefusesDocumentsLargerThanTheBodyCap() {
        String big = "{\"prompt\":\"" + "x".repeat(OVER_THE_CAP) + "\"}";
        assertThatThrownBy(() -> json.readTree(big)).isInstanceOf(StreamConstraintsException.class);
        assertThat(json.readTree("{\"prompt\":\"a fox\"}").path("prompt").asString())
                .isEqualTo("a fox");
    }

    /**
     * A body that says it is multipart but has no boundary, sent to a page or the simulator (where
     * Spring Security or Tomcat reads the form before any handler), is refused with the same 400
     * problem+json as on the API, not Spring Boot's default JSON error (timestamp, path, ...).
     */
    @Test
    void aMultipartBodyWithoutABoundaryIsA400ProblemOnPagesAndTheSimulatorToo() throws Exception {
        List<String> wrong = new java.util.ArrayList<>();
        for (String path : List.of(
                "/login", "/signup", "/sim/kie/api/v1/jobs/createTask", "/sim/kie/api/v1/flux/kontext/generate")) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                            .header("Content-Type", "multipart/form-data")
                            .header("Authorization", "Bearer " + simulator.apiKey())
                            .POST(HttpRequest.BodyPublishers.ofString("garbage"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (r.statusCode() != 400
                    || !type.startsWith("application/problem+json")
                    || r.body().contains("timestamp")) {
                wrong.add(path + " -> " + r.statusCode() + " " + type + " " + r.body());
            }
        }
        assertThat(wrong).as("multipart bodies without a boundary").isEmpty();
    }

    /**
     * A chunked body far over the cap (no Content-Length to refuse it by at once) gets an answer
     * the client can read, a 4xx problem+json, whether the application stopped reading it at the
     * cap or never read it (refused before the body, or by Tomcat's own form limit), not Spring
     * Boot's default JSON, and not a connection closed without an answer. Sent over a raw socket
     * that sends the whole body, then reads. (The simulator answers in KIE's own format.)
     */
    @Test
    void aChunkedBodyFarOverTheCapIsAnsweredNotDropped() throws Exception {
        List<String> wrong = new java.util.ArrayList<>();
        record Sent(String path, String type, String headers) {}
        for (Sent c : List.of(
                new Sent("/login", "application/x-www-form-urlencoded", ""),
                new Sent("/signup", "multipart/form-data; boundary=zz", ""),
                new Sent("/api/webhooks/creem", "application/json", ""),
                new Sent("/api/v1/generate-image", "application/json", ""))) {
            for (int attempt = 0; attempt < 3; attempt++) {
                String answer = chunked(c.path(), c.type(), c.headers(), 6 * 1024 * 1024);
                String lower = answer.toLowerCase(java.util.Locale.ROOT);
                if (!answer.startsWith("HTTP/1.1 4") || !lower.contains("content-type: application/problem+json")) {
                    wrong.add(c.path() + " (attempt " + attempt + ") -> "
                            + (answer.isEmpty() ? "no answer" : answer.substring(0, Math.min(200, answer.length()))));
                }
            }
        }
        assertThat(wrong).as("chunked bodies over the cap").isEmpty();
    }

    /**
     * A chunked multipart body over the cap is refused 413 like every other body: Tomcat parses
     * multipart itself, past the cap's stream, so its multipart limits are the cap too (before, it
     * read well-formed file parts up to Spring Boot's own 10 MB to disk, and the handler then saw an
     * empty body). Three file parts of 700 KB: each under a 1 MB part limit, together over the cap.
     */
    @Test
    void aChunkedMultipartBodyOverTheCapIsRefused() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            body.append("--zz\r\nContent-Disposition: form-data; name=\"f")
                    .append(i)
                    .append("\"; filename=\"f")
                    .append(i)
                    .append(".bin\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .append("a".repeat(700 * 1024))
                    .append("\r\n");
        }
        body.append("--zz--\r\n");
        for (String path : List.of("/api/webhooks/creem", "/login")) {
            String answer = chunkedBody(path, "multipart/form-data; boundary=zz", body.toString());
            assertThat(answer).as(path).startsWith("HTTP/1.1 413");
        }
    }

    private String chunkedBody(String path, String type, String body) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: " + type
                            + "\r\nAccept: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            try {
                for (int at = 0; at < bytes.length; at += 64 * 1024) {
                    int n = Math.min(64 * 1024, bytes.length - at);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    out.write(bytes, at, n);
                    out.write("\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                }
                out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (java.io.IOException closed) {
                // the server stopped reading and closed: its answer, if any, is in what follows
            }
            java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(in);
            } catch (java.io.IOException reset) {
                // a reset: what arrived before it is the answer
            }
            return in.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private String chunked(String path, String type, String headers, int size) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nContent-Type: " + type
                            + "\r\nTransfer-Encoding: chunked\r\n" + headers + "Connection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            byte[] chunkHead =
                    (Integer.toHexString(chunk.length) + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            byte[] crlf = "\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            try {
                for (int sent = 0; sent < size; sent += chunk.length) {
                    out.write(chunkHead);
                    out.write(chunk);
                    out.write(crlf);
                }
                out.write("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (java.io.IOException closed) {
                // the server stopped reading and closed: its answer, if any, is in what follows
            }
            java.io.ByteArrayOutputStream in = new java.io.ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(in);
            } catch (java.io.IOException reset) {
                // a reset: what arrived before it is the answer
            }
            return in.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}

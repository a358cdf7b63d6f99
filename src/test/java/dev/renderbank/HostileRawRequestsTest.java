package dev.renderbank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.BusinessRows;
import dev.renderbank.support.EveryRouteTest;
import dev.renderbank.support.TestUsers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14, hostile input sent as raw bytes over a socket, which an HTTP client would not send: what
 * Tomcat refuses before any filter runs, and header values the firewall refuses when they are read.
 * The answer is problem+json naming what to fix, never Tomcat's page or a 500; nothing is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRawRequestsTest extends EveryRouteTest {

    private TestUsers.TestUser user;

    @BeforeAll
    void caller() {
        user = testUsers.create(1000);
        // a job an earlier class left running would finish while these are sent, its rows counted
        settleBackgroundWork();
    }

    /**
     * Requests Tomcat refuses itself, before any filter runs: a malformed escape, raw bytes that are
     * not UTF-8, an encoded slash, a header section over the limit, too many headers. They get the
     * same problem+json as everything else, never Tomcat's HTML page.
     */
    @Test
    void requestsTomcatRefusesAreAnsweredAsProblems() throws Exception {
        byte[] notUtf8 = {(byte) 0xFF, (byte) 0xFE, (byte) 0xC3, 0x28};
        List<byte[]> requests = List.of(
                raw("GET /api/v1/generations/%zz HTTP/1.1", ""),
                raw("GET /api/v1/generations?cursor=%zz&limit=%%% HTTP/1.1", ""),
                raw("GET /api/v1/generations/..%2F..%2Fetc%2Fpasswd HTTP/1.1", ""),
                raw("GET /api/v1/generations/a%00b HTTP/1.1", ""),
                raw("GET /api/v1/generations/" + new String(notUtf8, StandardCharsets.ISO_8859_1) + " HTTP/1.1", ""),
                raw("GET /api/v1/credits HTTP/1.1", "X-Padding: " + "x".repeat(70_000) + "\r\n"),
                raw("GET /api/v1/credits HTTP/1.1", "X-H: 1\r\n".repeat(300)),
                raw("GET /creations/%zz HTTP/1.1", ""),
                raw("POST /api/v1/generate-image HTTP/1.1", "Content-Length: 10\r\nContent-Length: 12\r\n"));
        List<String> failures = new ArrayList<>();
        for (byte[] request : requests) {
            String head = new String(request, 0, Math.min(80, request.length), StandardCharsets.ISO_8859_1);
            String answer = exchange(request);
            int status = Integer.parseInt(answer.substring(9, 12));
            String lower = answer.toLowerCase(java.util.Locale.ROOT);
            if (status < 400
                    || status >= 500
                    || !lower.contains("content-type: application/problem+json")
                    || lower.contains("tomcat")
                    || HostileCorpus.leaks(answer)) {
                failures.add(head.strip() + " -> " + answer.substring(0, Math.min(300, answer.length())));
            }
        }
        assertThat(failures).as("answers to requests Tomcat refuses").isEmpty();
    }

    /**
     * UTF-8 text in a header the application reads (an emoji in an {@code Idempotency-Key}, Cyrillic
     * in {@code Last-Event-ID}) arrives as bytes, some of them control characters, which the firewall
     * refuses when the header is read: a 400 naming the header, nothing written (it was a 500).
     */
    @Test
    void headerValuesInUtf8AreRefusedNamingTheHeader() throws Exception {
        String key = new String("ключ-\uD83E\uDD8A".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String json = "application/json";
        List<Map.Entry<String, String>> requests = List.of(
                Map.entry(
                        "Idempotency-Key",
                        post("/api/v1/generate-image", key, json, "{\"model\":\"sd\",\"prompt\":\"x\"}")),
                Map.entry(
                        "Idempotency-Key",
                        post("/api/v1/generate-video", key, json, "{\"model\":\"sora-2\",\"prompt\":\"x\"}")),
                Map.entry("Idempotency-Key", post("/api/v1/checkout", key, json, "{\"product\":\"pack-200\"}")),
                Map.entry("Last-Event-ID", "GET /api/v1/generations/gen_nothing/events HTTP/1.1"));
        Map<String, Long> before = BusinessRows.of(jdbc);
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, String> r : requests) {
            String header = r.getKey();
            String request = r.getValue();
            byte[] bytes = request.startsWith("GET ")
                    ? raw(request, "Last-Event-ID: " + key + "\r\nAccept: text/event-stream\r\n")
                    : request.getBytes(StandardCharsets.ISO_8859_1);
            String answer = exchange(bytes);
            String lower = answer.toLowerCase(java.util.Locale.ROOT);
            if (!answer.startsWith("HTTP/1.1 400")
                    || !lower.contains("content-type: application/problem+json")
                    || !answer.contains("\"field\":\"" + header + "\"")
                    || HostileCorpus.leaks(answer)) {
                failures.add(header + " " + request.lines().findFirst().orElse("") + " -> "
                        + answer.substring(0, Math.min(400, answer.length())));
            }
        }
        assertThat(failures).as("UTF-8 header values").isEmpty();
        assertThat(BusinessRows.of(jdbc)).isEqualTo(before);
    }

    private String post(String path, String key, String contentType, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        return new String(
                        raw(
                                "POST " + path + " HTTP/1.1",
                                "Idempotency-Key: " + key + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                                        + content.length + "\r\n"),
                        StandardCharsets.ISO_8859_1)
                + body;
    }

    private byte[] raw(String requestLine, String headers) {
        return (requestLine + "\r\nHost: localhost:" + port + "\r\nAuthorization: Bearer " + user.token() + "\r\n"
                        + headers + "Connection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private String exchange(byte[] request) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}

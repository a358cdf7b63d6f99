package dev.renderbank;

import dev.renderbank.support.Routes.Route;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * The bad input {@link HostileInputTest} sends to every route: hostile ids, parameter values, JSON
 * bodies and SSRF URLs, and what an answer must never show ({@link #leaks}).
 */
final class HostileCorpus {

    private HostileCorpus() {}

    /** What the corpus sends: a path, parameters (query or form), a body. */
    record Case(String name, String path, byte[] body, String contentType, Map<String, String> headers) {}

    /** Path variables, already in URL form (the client must be able to send them). */
    static final List<String> HOSTILE_IDS = List.of(
            "..%2F..%2Fetc%2Fpasswd",
            "..",
            "1%27%20OR%20%271%27%3D%271",
            "1;DROP%20TABLE%20app_user",
            "-1",
            "0",
            "99999999999999999999",
            "%00",
            "%FF%FE",
            "%0D%0ASet-Cookie:%20x=1",
            "x".repeat(3000));

    /** Request parameter values, unencoded (sent URL-encoded, and as raw bytes where marked). */
    static final List<String> HOSTILE_VALUES = List.of(
            "' OR 1=1--", "-1", "99999999999999999999", "../../etc/passwd", "\u0000\u0007\u001b", "x".repeat(5000));

    /** Fields any JSON body of the application may carry, to be given wrong values. */
    static final List<String> FIELDS = List.of(
            "model",
            "prompt",
            "imageUrls",
            "resolution",
            "outputFormat",
            "aspectRatio",
            "duration",
            "seconds",
            "product",
            "name",
            "expiresAt",
            "url",
            "events",
            "amount",
            "reason",
            "notify",
            "paused",
            "message",
            "retryAfterSeconds",
            "threshold",
            "email",
            "lowCreditsThreshold");

    static final List<String> SSRF_URLS = List.of(
            "http://127.0.0.1:1/x",
            "http://169.254.169.254/latest/meta-data/",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]/x",
            "https://[::ffff:169.254.169.254]/x",
            "https://[fe80::1]/x",
            "https://0.0.0.0/x",
            "https://2130706433/x",
            "https://0x7f.1/x",
            "https://0177.0.0.1/x",
            "file:///etc/passwd",
            "gopher://127.0.0.1:25/_HELO",
            "ftp://example.com/x",
            "jar:file:///x!/",
            "https://metadata.google.internal/computeMetadata/v1/",
            "https://user:pass@example.com/x",
            "https://localhost/x",
            "//169.254.169.254/x",
            "https://169.254.169.254%2F@example.com/x");

    /**
     * A public DNS name for a private address. Webhook URLs must resolve here to public addresses,
     * so it is refused; a reference image URL whose name does not resolve here goes to the provider
     * as is (ReferenceHosts, by design; ReferenceHostsTest covers names that resolve privately), and
     * this sandbox resolves nothing, so it is sent in the webhook field only.
     */
    static final String PRIVATE_NAME = "https://127.0.0.1.nip.io/x";

    static boolean leaks(String body) {
        return body.contains("Whitelabel")
                || body.contains("Exception")
                || body.contains("\tat ")
                || body.contains("org.springframework")
                || body.contains("org.apache")
                || body.contains("PSQLException")
                || body.contains("SQLState");
    }

    /** Malformed, truncated, nested, wrongly typed, huge, unknown, out of range, badly encoded, SSRF. */
    static Map<String, byte[]> jsonBodies(List<String> ssrfUrls) {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("empty", new byte[0]);
        bodies.put("malformed", utf8("{"));
        bodies.put("truncated", utf8("{\"model\":\"sd\",\"prompt\":\"a fox"));
        bodies.put("trailing", utf8("{\"model\":\"sd\"} {\"model\":\"sd\"}"));
        bodies.put("nested", utf8("[".repeat(20_000) + "]".repeat(20_000)));
        bodies.put("nested object", utf8("{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000)));
        bodies.put("null", utf8("null"));
        bodies.put("array", utf8("[]"));
        bodies.put("string", utf8("\"x\""));
        bodies.put("number", utf8("42"));
        for (String wrong : List.of("{}", "[1,2]", "-1", "99999999999999999999999", "\"x\"")) {
            StringBuilder b = new StringBuilder("{");
            for (String f : FIELDS) {
                b.append('"').append(f).append("\":").append(wrong).append(',');
            }
            b.setCharAt(b.length() - 1, '}');
            bodies.put("all fields " + wrong, utf8(b.toString()));
        }
        for (String n : List.of("-1", "0", "9223372036854775808", "1.5")) {
            bodies.put(
                    "numbers " + n,
                    utf8("{\"amount\":%s,\"reason\":\"r\",\"retryAfterSeconds\":%s,\"paused\":true,\"threshold\":%s,"
                                    .formatted(n, n, n)
                            + "\"model\":\"sora-2\",\"prompt\":\"a fox\",\"durationSeconds\":%s}".formatted(n)));
        }
        bodies.put("unknown model", utf8("{\"model\":\"no-such-model\",\"prompt\":\"a fox\",\"product\":\"no-such\"}"));
        bodies.put(
                "unknown options",
                utf8("{\"model\":\"sd\",\"prompt\":\"a fox\",\"resolution\":\"16K\",\"outputFormat\":\"exe\","
                        + "\"aspectRatio\":\"9:1000\",\"duration\":\"forever\",\"product\":\"pack-1\"}"));
        bodies.put(
                "unknown video options",
                utf8("{\"model\":\"sora-2\",\"prompt\":\"a fox\",\"resolution\":\"8K\",\"duration\":7,"
                        + "\"seconds\":7,\"aspectRatio\":\"diagonal\"}"));
        bodies.put("huge prompt", utf8("{\"model\":\"sd\",\"prompt\":\"" + "x".repeat(900_000) + "\"}"));
        bodies.put("over the cap", utf8("{\"prompt\":\"" + "x".repeat(2_000_000) + "\"}"));
        bodies.put(
                "control characters",
                utf8("{\"model\":\"sd\",\"prompt\":\"\\u0000\\u0007\",\"name\":\"\\u0000\",\"reason\":\"\\u0000\","
                        + "\"product\":\"\\u0000\",\"url\":\"https://example.com/\\u0000\",\"message\":\"\\u0000\"}"));
        ByteArrayOutputStream invalid = new ByteArrayOutputStream();
        invalid.writeBytes(utf8("{\"model\":\"sd\",\"prompt\":\"a "));
        invalid.writeBytes(
                new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80});
        invalid.writeBytes(utf8("\",\"name\":\"x\",\"reason\":\"r\"}"));
        bodies.put("invalid utf-8", invalid.toByteArray());
        bodies.put("lone surrogate", utf8("{\"model\":\"sd\",\"prompt\":\"\\ud800\",\"name\":\"\\udfff\"}"));
        if (!ssrfUrls.isEmpty()) {
            bodies.put(
                    "ssrf " + PRIVATE_NAME,
                    utf8("{\"url\":\"%s\",\"events\":[\"generation.completed\"]}".formatted(PRIVATE_NAME)));
        }
        for (String url : ssrfUrls) {
            bodies.put(
                    "ssrf " + url,
                    utf8(
                            "{\"url\":\"%s\",\"events\":[\"generation.completed\"],\"model\":\"nano-banana\",\"prompt\":\"a fox\",\"imageUrls\":[\"%s\"]}"
                                    .formatted(url, url)));
        }
        return bodies;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * What is sent to {@code route}: hostile ids in its path, hostile values of its parameters, and,
     * when it takes a body, the JSON bodies ({@code ssrfUrls} to one with a URL field) and other media.
     */
    static List<Case> corpus(Route route, List<String> ssrfUrls) {
        List<Case> cases = new ArrayList<>();
        // a well-formed id of nothing: the body and parameter cases must not act on a real object
        String plain = route.path(v -> "999999999");
        if (!route.variables().isEmpty()) {
            for (String id : HOSTILE_IDS) {
                cases.add(new Case("id", route.path(v -> id), emptyBody(route), contentType(route), Map.of()));
            }
        }
        for (String param : route.params()) {
            for (String value : HOSTILE_VALUES) {
                cases.add(param(route, plain, param, URLEncoder.encode(value, StandardCharsets.UTF_8)));
            }
            cases.add(param(route, plain, param, "%FF%FE%C3%28"));
            if (route.method() != RequestMethod.GET) {
                cases.add(param(route, plain, param, "%zz"));
            }
        }
        if (route.body()) {
            for (Map.Entry<String, byte[]> body :
                    jsonBodies(takesUrls(route) ? ssrfUrls : List.of()).entrySet()) {
                cases.add(new Case(body.getKey(), plain, body.getValue(), "application/json", Map.of()));
            }
            cases.add(new Case("xml", plain, utf8("<a>1</a>"), "application/xml", Map.of()));
            cases.add(new Case("text", plain, utf8("model=sd"), "text/plain", Map.of()));
            cases.add(new Case(
                    "idempotency key",
                    plain,
                    utf8("{}"),
                    "application/json",
                    Map.of("Idempotency-Key", "k".repeat(5000))));
        }
        return cases;
    }

    /** SSRF URLs go to the bodies with a URL field (the others would refuse them for other reasons). */
    private static boolean takesUrls(Route route) {
        return route.bodyFields().stream()
                .anyMatch(f -> f.toLowerCase(java.util.Locale.ROOT).contains("url"));
    }

    private static Case param(Route route, String path, String name, String encodedValue) {
        String pair = URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + encodedValue;
        if (route.method() == RequestMethod.GET) {
            return new Case("param " + name, path + "?" + pair, null, null, Map.of());
        }
        return new Case("form " + name, path, utf8(pair), "application/x-www-form-urlencoded", Map.of());
    }

    private static byte[] emptyBody(Route route) {
        if (route.method() == RequestMethod.GET) {
            return null;
        }
        return route.body() ? utf8("{}") : utf8("");
    }

    private static String contentType(Route route) {
        if (route.method() == RequestMethod.GET) {
            return null;
        }
        return route.body() ? "application/json" : "application/x-www-form-urlencoded";
    }
}

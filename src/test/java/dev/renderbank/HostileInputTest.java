package dev.renderbank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.notify.webhooks.WebhookUrlPolicy;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.BusinessRows;
import dev.renderbank.support.EveryRouteTest;
import dev.renderbank.support.Routes.Route;
import dev.renderbank.support.TestUsers;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * Issue 14, hostile input: a corpus of bad input sent over real HTTP to every route the handler
 * mappings know (a new route is covered without editing this class). Whatever arrives, the answer
 * is never a 5xx, never a stack trace or an HTML error page on the API; a write route refuses it
 * with a 4xx; nothing is written and no credit is held.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest extends EveryRouteTest {

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

    private TestUsers.TestUser user;
    private Session userSession;
    private Session adminSession;
    private String adminToken;

    /** What the corpus sends: a path, parameters (query or form), a body. */
    record Case(String name, String path, byte[] body, String contentType, Map<String, String> headers) {}

    record Answer(Case sent, int status, String contentType, String body) {}

    /**
     * The SSRF URLs this configuration must refuse. The test profile lets webhooks reach this
     * machine (tests receive them on a local WireMock), so loopback URLs are accepted here; {@link
     * #productionPolicyRefusesEverySsrfUrl} holds the production setting to all of them.
     */
    private List<String> ssrfUrls;

    @Value("${renderbank.webhooks.allow-private-hosts:false}")
    boolean allowPrivateHosts;

    @Test
    void productionPolicyRefusesEverySsrfUrl() {
        WebhookUrlPolicy production = new WebhookUrlPolicy(false);
        assertThat(production.refusal(PRIVATE_NAME)).isPresent();
        assertThat(SSRF_URLS)
                .allSatisfy(url -> assertThat(production.refusal(url)).as(url).isPresent());
    }

    @BeforeAll
    void principals() throws Exception {
        WebhookUrlPolicy configured = new WebhookUrlPolicy(allowPrivateHosts);
        ssrfUrls = SSRF_URLS.stream()
                .filter(url -> configured.refusal(url).isPresent())
                .toList();
        user = testUsers.create(1000);
        userSession = signIn(user.email(), "/account/tokens");
        Admin admin = newAdmin();
        adminToken = admin.token();
        adminSession = signIn(admin.email(), "/admin");
        // a job an earlier class left running would finish while the corpus is sent, and its rows
        // would count as the corpus's writes
        settleBackgroundWork();
    }

    @Test
    void everyRouteRefusesTheCorpusWithA4xxAndWritesNothing() throws Exception {
        List<Route> routes = applicationRoutes();
        assertThat(routes).extracting(Route::key).contains("POST /api/v1/generate-image", "POST /signup");
        List<String> failures = new ArrayList<>();
        for (Route route : routes) {
            Map<String, Long> before = BusinessRows.of(jdbc);
            for (Case c : corpus(route)) {
                Answer a = send(route, c);
                problem(route, a).ifPresent(failures::add);
            }
            Map<String, Long> after = BusinessRows.of(jdbc);
            if (!after.equals(before)) {
                failures.add(route.key() + ": wrote " + BusinessRows.difference(before, after));
            }
        }
        assertThat(failures).as("hostile input answered wrongly").isEmpty();
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
                    || leaks(answer)) {
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
                    || leaks(answer)) {
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

    private java.util.Optional<String> problem(Route route, Answer a) {
        String what = route.key() + " [" + a.sent().name() + "] "
                + a.sent().path().substring(0, Math.min(120, a.sent().path().length())) + " -> " + a.status() + " "
                + a.contentType() + " "
                + a.body().substring(0, Math.min(160, a.body().length()));
        if (a.status() >= 500) {
            return java.util.Optional.of(what);
        }
        if (leaks(a.body())) {
            return java.util.Optional.of("leaks internals: " + what);
        }
        // a page's form may answer with the form again or a redirect carrying the message (checked
        // above: nothing written); an API write must refuse
        if (route.api() && route.method() != RequestMethod.GET && a.status() < 400) {
            return java.util.Optional.of("accepted: " + what);
        }
        if (route.api() && a.status() >= 400 && !a.contentType().startsWith("application/problem+json")) {
            return java.util.Optional.of("not problem+json: " + what);
        }
        return java.util.Optional.empty();
    }

    static boolean leaks(String body) {
        return body.contains("Whitelabel")
                || body.contains("Exception")
                || body.contains("\tat ")
                || body.contains("org.springframework")
                || body.contains("org.apache")
                || body.contains("PSQLException")
                || body.contains("SQLState");
    }

    List<Case> corpus(Route route) {
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

    private Case param(Route route, String path, String name, String encodedValue) {
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

    private Answer send(Route route, Case c) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + c.path()))
                .timeout(Duration.ofSeconds(30))
                .method(
                        route.method().name(),
                        c.body() == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        if (c.contentType() != null) {
            b.header("Content-Type", c.contentType());
        }
        c.headers().forEach(b::header);
        HttpResponse<String> r;
        String p = route.pattern();
        if (p.startsWith("/api/webhooks/") || p.startsWith("/api/provider/") || p.startsWith("/v3/")) {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } else if (p.startsWith(KieSimulator.PATH)) {
            b.header("Authorization", "Bearer " + simulator.apiKey());
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } else if (p.startsWith("/api/v1/admin/")) {
            b.header("Authorization", "Bearer " + adminToken);
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } else if (p.startsWith("/api/v1/") && !p.startsWith("/api/v1/tokens")) {
            b.header("Authorization", "Bearer " + user.token());
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } else {
            Session s = p.startsWith("/admin") ? adminSession : userSession;
            b.header("X-CSRF-TOKEN", s.csrf());
            r = s.browser().send(b);
        }
        return new Answer(
                c, r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package dev.renderbank;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.BusinessRows;
import dev.renderbank.support.EveryRouteTest;
import dev.renderbank.support.Routes.Route;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.RequestMethod;
import tools.jackson.databind.JsonNode;

/**
 * Issue 14, authorization: every route of the handler mappings × (anonymous, a user, another user,
 * an admin, the metrics token when configured). Each route must have an entry in {@link #RULES}: a
 * new route without one fails this test, so its author states who may call it. Another user's
 * jobs, assets, tokens, webhook endpoints, deliveries, checkouts and plans answer 404 (or 403) and
 * stay as they were; admin routes need ADMIN; webhooks and callbacks need their signature or token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest extends EveryRouteTest {

    private static final Pattern FORM_CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    /** Who may call a route. */
    enum Access {
        /** Anyone, signed in or not. */
        PUBLIC,
        /** A signed-in user, about the caller's own data only (no object in the path). */
        USER,
        /** A signed-in user who owns the object in the path; others get 404 or 403. */
        OWNER,
        /** An ADMIN. */
        ADMIN,
        /** No login: only a valid payment signature or per-job callback token. */
        SIGNED,
        /** The built-in provider simulator: only its own API key. */
        SIMULATOR_KEY
    }

    /** The object a route's path names, created as user A before the matrix runs. */
    enum Owned {
        NONE,
        JOB,
        ASSET,
        TOKEN,
        ENDPOINT,
        DELIVERY,
        CHECKOUT,
        SUBSCRIPTION
    }

    record Rule(Access access, Owned owned) {
        static Rule of(Access access) {
            return new Rule(access, Owned.NONE);
        }

        static Rule owner(Owned owned) {
            return new Rule(Access.OWNER, owned);
        }
    }

    /** The expected-access table: one entry per route ("METHOD pattern"), none left over. */
    static final Map<String, Rule> RULES = new HashMap<>();

    private static void rule(Rule rule, String... keys) {
        for (String k : keys) {
            RULES.put(k, rule);
        }
    }

    static {
        rule(
                Rule.of(Access.PUBLIC),
                "GET /login",
                "GET /signup",
                "POST /signup",
                "POST /signup/resend",
                "GET /verify-email",
                "POST /verify-email",
                "GET /password/forgot",
                "POST /password/forgot",
                "GET /password/reset",
                "POST /password/reset");
        rule(
                Rule.of(Access.USER),
                "GET /",
                "GET /generate",
                "GET /creations",
                "GET /rewards",
                "GET /buy",
                "POST /buy",
                "GET /account",
                "GET /account/tokens",
                "GET /account/webhooks",
                "GET /account/export",
                "GET /account/delete",
                "POST /account/delete",
                "GET /account/password",
                "POST /account/password",
                "POST /account/time-zone",
                "POST /account/emails",
                "GET /api/v1/me",
                "PATCH /api/v1/me",
                "GET /api/v1/catalog",
                "GET /api/v1/catalog/products",
                "POST /api/v1/checkout",
                "GET /api/v1/credits",
                "GET /api/v1/credits/history",
                "POST /api/v1/generate-image",
                "POST /api/v1/generate-video",
                "GET /api/v1/generations",
                "GET /api/v1/notification-settings",
                "PUT /api/v1/notification-settings",
                "GET /api/v1/purchases",
                "GET /api/v1/subscriptions",
                "GET /api/v1/rewards",
                "POST /api/v1/rewards/check-in",
                "POST /api/v1/rewards/share",
                "GET /api/v1/tokens",
                "POST /api/v1/tokens",
                "GET /api/v1/webhook-endpoints",
                "POST /api/v1/webhook-endpoints");
        rule(
                Rule.owner(Owned.JOB),
                "GET /api/v1/generations/{taskId}",
                "GET /api/v1/video-status/{taskId}",
                "GET /api/v1/generations/{taskId}/events",
                "POST /api/v1/generations/{taskId}/cancel",
                "POST /api/v1/generations/{taskId}/retry",
                "DELETE /api/v1/generations/{taskId}/asset",
                "GET /creations/{taskId}");
        rule(Rule.owner(Owned.ASSET), "GET /api/v1/assets/{id}", "DELETE /api/v1/assets/{id}");
        rule(Rule.owner(Owned.TOKEN), "DELETE /api/v1/tokens/{id}");
        rule(
                Rule.owner(Owned.ENDPOINT),
                "DELETE /api/v1/webhook-endpoints/{id}",
                "GET /api/v1/webhook-endpoints/{id}/deliveries",
                "POST /api/v1/webhook-endpoints/{id}/enable");
        rule(Rule.owner(Owned.DELIVERY), "POST /api/v1/webhook-endpoints/{id}/deliveries/{deliveryId}/resend");
        rule(Rule.owner(Owned.CHECKOUT), "GET /checkout/simulated/{id}", "POST /checkout/simulated/{id}/pay");
        rule(
                Rule.owner(Owned.SUBSCRIPTION),
                "POST /api/v1/subscriptions/{id}/cancel",
                "GET /account/plans/{id}/cancel",
                "POST /account/plans/{id}/cancel");
        rule(
                Rule.of(Access.SIGNED),
                "POST /api/webhooks/creem",
                "POST /api/webhooks/stripe",
                "POST /api/provider/kie/callback/{jobId}");
        rule(
                Rule.of(Access.SIMULATOR_KEY),
                "POST /sim/kie/api/v1/jobs/createTask",
                "GET /sim/kie/api/v1/jobs/recordInfo",
                "POST /sim/kie/api/v1/flux/kontext/generate",
                "GET /sim/kie/api/v1/flux/kontext/record-info",
                "GET /sim/kie/api/v1/chat/credit");
        // the simulator's result files, like KIE's, are fetched by their unguessable URL alone
        rule(Rule.of(Access.PUBLIC), "GET /sim/kie/files/{taskId}/{name}");
    }

    /** Every route under these prefixes is ADMIN; an entry above may not say otherwise. */
    static boolean adminRoute(Route r) {
        return r.pattern().startsWith("/admin") || r.pattern().startsWith("/api/v1/admin");
    }

    @Autowired
    Environment environment;

    record Caller(String name, String token, BrowserSession session, String csrf) {}

    /** No login, but a session with a CSRF token (read from the public login form), as a browser has. */
    private Caller anonymous() throws Exception {
        BrowserSession s = BrowserSession.anonymous(port);
        Matcher m = FORM_CSRF.matcher(s.get("/login").body());
        assertThat(m.find()).as("login form carries a CSRF token").isTrue();
        return new Caller("anonymous", null, s, m.group(1));
    }

    private Caller userA;
    private Caller userB;
    private Caller admin;
    private final Map<Owned, Map<String, String>> objects = new HashMap<>();

    private final WireMockServer receiver =
            new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    @AfterAll
    void stopReceiver() {
        receiver.stop();
    }

    @BeforeAll
    void objectsOfUserA() throws Exception {
        var a = testUsers.create(1000);
        var b = testUsers.create(1000);
        userA = caller("user A", a.email(), a.token(), "/account/tokens");
        userB = caller("user B", b.email(), b.token(), "/account/tokens");
        Admin ops = newAdmin();
        admin = caller("admin", ops.email(), ops.token(), "/admin");
        Api api = new Api(port);

        // a webhook endpoint first, so the job's completion leaves a delivery behind (delivered at
        // once: a failing one would be retried in the background while the matrix counts rows)
        receiver.start();
        receiver.stubFor(WireMock.post(WireMock.urlEqualTo("/hook"))
                .willReturn(WireMock.aResponse().withStatus(200)));
        var endpoint = api.post(
                "/api/v1/webhook-endpoints",
                a.token(),
                "{\"url\":\"http://127.0.0.1:" + receiver.port() + "/hook\",\"events\":[\"generation.completed\"]}");
        assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);
        String endpointId = endpoint.json().get("id").asString();

        // A's job only has to be done (its asset, its delivery): the simulator need not take the
        // shared context's 5 s over it
        simulator.setImageDuration(Duration.ZERO);
        JsonNode done;
        String taskId;
        try {
            var job = api.post(
                    "/api/v1/generate-image",
                    a.token(),
                    "{\"model\":\"sd\",\"prompt\":\"a fox\"}",
                    Map.of("Idempotency-Key", UUID.randomUUID().toString()));
            assertThat(job.status()).as(job.body()).isEqualTo(202);
            taskId = job.json().get("taskId").asString();
            done = api.awaitTerminal(taskId, a.token());
        } finally {
            simulator.reset();
        }
        assertThat(done.get("status").asString()).isEqualTo("completed");
        String assetUrl = done.get("assetUrl").asString();
        String assetId = assetUrl.substring(assetUrl.lastIndexOf('/') + 1);

        String deliveryId = Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            JsonNode items = api.get(
                                            "/api/v1/webhook-endpoints/" + endpointId + "/deliveries", a.token())
                                    .json()
                                    .path("items");
                            return items.isEmpty()
                                    ? null
                                    : items.get(0).get("id").asString();
                        },
                        id -> id != null);

        JsonNode tokens = api.get("/api/v1/tokens", a.token()).json().get("items");
        String tokenId = tokens.get(0).get("id").asString();

        String subscriptionCheckout = checkout(api, a.token(), "pro-monthly");
        HttpResponse<String> paid = form(userA, "POST", "/checkout/simulated/" + subscriptionCheckout + "/pay");
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        JsonNode subs = api.get("/api/v1/subscriptions", a.token()).json();
        assertThat(subs).as("A's subscription").isNotEmpty();
        String subscriptionId = subs.get(0).get("id").asString();
        String openCheckout = checkout(api, a.token(), "pack-200");

        objects.put(Owned.JOB, Map.of("taskId", taskId));
        objects.put(Owned.ASSET, Map.of("id", assetId));
        objects.put(Owned.TOKEN, Map.of("id", tokenId));
        objects.put(Owned.ENDPOINT, Map.of("id", endpointId));
        objects.put(Owned.DELIVERY, Map.of("id", endpointId, "deliveryId", deliveryId));
        objects.put(Owned.CHECKOUT, Map.of("id", openCheckout));
        objects.put(Owned.SUBSCRIPTION, Map.of("id", subscriptionId));
        // the set-up's own consequences (the payment's receipt mail, the job's webhook delivery and
        // its attempt, …) are written by background handlers a moment later
        settleBackgroundWork();
    }

    private static String checkout(Api api, String token, String product) {
        var r = api.post(
                "/api/v1/checkout",
                token,
                "{\"product\":\"" + product + "\"}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(r.status()).as(r.body()).isBetween(200, 201);
        String url = r.json().get("url").asString();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private Caller caller(String name, String email, String token, String page) throws Exception {
        Session s = signIn(email, page);
        return new Caller(name, token, s.browser(), s.csrf());
    }

    @Test
    void everyRouteHasAStatedAccessRule() {
        List<Route> routes = applicationRoutes();
        assertThat(routes)
                .as("the enumeration finds admin pages and API routes (ADMIN by their prefix)")
                .extracting(Route::key)
                .contains(
                        "POST /api/v1/admin/users/{id}/grants",
                        "GET /admin",
                        "PUT /api/v1/admin/switches/{name}",
                        "POST /api/v1/admin/reconcile",
                        "POST /admin/reconciliation/run",
                        "POST /api/v1/admin/provider/resume",
                        "POST /admin/provider/resume",
                        "POST /api/v1/admin/mail/{id}/resend",
                        "POST /admin/mail/{id}/resend",
                        "GET /api/v1/admin/jobs/{taskId}",
                        "GET /admin/jobs/{taskId}");
        List<String> missing = routes.stream()
                .filter(r -> !adminRoute(r) && !RULES.containsKey(r.key()))
                .map(Route::key)
                .toList();
        assertThat(missing)
                .as("routes without an entry in AuthorizationMatrixTest.RULES: state who may call them")
                .isEmpty();
        List<String> stale = RULES.keySet().stream()
                .filter(k -> routes.stream().noneMatch(r -> r.key().equals(k)))
                .toList();
        assertThat(stale).as("entries for routes that no longer exist").isEmpty();
    }

    @Test
    void everyRouteAnswersEachCallerAsItsRuleSays() throws Exception {
        List<String> failures = new ArrayList<>();
        Caller anonymous = anonymous();
        Caller demo = new Caller("demo user", DEMO_TOKEN, BrowserSession.anonymous(port), null);
        for (Route route : applicationRoutes()) {
            Rule rule = adminRoute(route) ? Rule.of(Access.ADMIN) : RULES.get(route.key());
            if (rule == null) {
                continue; // reported by everyRouteHasAStatedAccessRule
            }
            String path =
                    route.path(v -> objects.getOrDefault(rule.owned(), Map.of()).getOrDefault(v, "999999999"));
            Map<String, Long> before = BusinessRows.of(jdbc);
            Optional<String> problem = switch (rule.access()) {
                case PUBLIC -> expect(route, path, anonymous, s -> s != 401 && s != 403 && s < 500, "served");
                case USER -> refusedAnonymous(route, path, anonymous);
                case OWNER ->
                    refusedAnonymous(route, path, anonymous)
                            .or(() -> expect(route, path, userB, s -> s == 404 || s == 403, "404 or 403"))
                            .or(() -> route.method() == RequestMethod.GET
                                    ? expect(route, path, userA, s -> s == 200, "200 for the owner")
                                    : Optional.empty());
                case ADMIN ->
                    refusedAnonymous(route, path, anonymous)
                            .or(() -> expect(route, path, userB, s -> s == 403, "403"))
                            .or(() -> route.api() ? expect(route, path, demo, s -> s == 403, "403") : Optional.empty())
                            .or(() -> route.method() == RequestMethod.GET
                                    ? expect(route, path, admin, s -> s != 401 && s != 403 && s < 500, "served")
                                    : Optional.empty());
                case SIGNED ->
                    expect(route, path, anonymous, s -> s >= 400 && s < 500, "4xx without a signature")
                            .or(() -> expect(route, path, userB, s -> s >= 400 && s < 500, "4xx for a user's token"))
                            .or(() -> expect(route, path, admin, s -> s >= 400 && s < 500, "4xx for an admin's token"));
                case SIMULATOR_KEY ->
                    expect(route, path, anonymous, s -> s == 401, "401 without its key")
                            .or(() -> expect(route, path, admin, s -> s == 401, "401 for an admin's token"));
            };
            problem.ifPresent(failures::add);
            if (rule.access() != Access.PUBLIC && rule.access() != Access.USER) {
                String changed = BusinessRows.difference(before, BusinessRows.of(jdbc));
                if (!changed.isEmpty()) {
                    failures.add(route.key() + ": refused callers changed " + changed);
                }
            }
        }
        assertThat(failures)
                .as("routes that answered a caller against their rule")
                .isEmpty();
        assertUserAsObjectsUnchanged();
    }

    /** A's objects after B tried every route on them: the same as before. */
    private void assertUserAsObjectsUnchanged() throws Exception {
        Api api = new Api(port);
        assertThat(api.get("/api/v1/credits", userA.token()).status())
                .as("A's token still works")
                .isEqualTo(200);
        JsonNode job = api.get("/api/v1/generations/" + objects.get(Owned.JOB).get("taskId"), userA.token())
                .json();
        assertThat(job.get("status").asString()).isEqualTo("completed");
        assertThat(job.get("assetUrl").isNull()).as("A's asset is still there").isFalse();
        assertThat(api.download(job.get("assetUrl").asString(), userA.token())).isNotEmpty();
        assertThat(api.get("/api/v1/webhook-endpoints", userA.token()).body())
                .contains(objects.get(Owned.ENDPOINT).get("id"));
        assertThat(api.get("/api/v1/subscriptions", userA.token())
                        .json()
                        .get(0)
                        .get("endsAt")
                        .isNull())
                .as("A's plan is not cancelled")
                .isTrue();
    }

    /** The metrics endpoint: ADMIN or the metrics token (when configured), nobody else. */
    @Test
    void metricsNeedAdminOrTheMetricsToken() throws Exception {
        assertThat(status("GET", "/actuator/prometheus", anonymous())).isEqualTo(401);
        assertThat(status("GET", "/actuator/prometheus", userB)).isEqualTo(403);
        assertThat(status("GET", "/actuator/prometheus", admin)).isEqualTo(200);
        String metricsToken = environment.getProperty("renderbank.metrics.token");
        if (metricsToken != null && !metricsToken.isBlank()) {
            Caller metrics = new Caller("metrics token", metricsToken, BrowserSession.anonymous(port), null);
            assertThat(status("GET", "/actuator/prometheus", metrics)).isEqualTo(200);
            assertThat(status("GET", "/api/v1/credits", metrics)).isEqualTo(401);
            assertThat(status("GET", "/api/v1/admin/users?email=x", metrics)).isIn(401, 403);
        }
    }

    private Optional<String> refusedAnonymous(Route route, String path, Caller anonymous) throws Exception {
        if (route.api()) {
            return expect(route, path, anonymous, s -> s == 401, "401");
        }
        HttpResponse<InputStream> r = send(route.method().name(), path, anonymous);
        String location = r.headers().firstValue("Location").orElse("");
        if (r.statusCode() == 302 && location.endsWith("/login")) {
            return Optional.empty();
        }
        return Optional.of(
                route.key() + " as anonymous: " + r.statusCode() + " " + location + ", expected the login page");
    }

    private Optional<String> expect(
            Route route, String path, Caller caller, java.util.function.IntPredicate ok, String expected) {
        try {
            int s = status(route.method().name(), path, caller);
            return ok.test(s)
                    ? Optional.empty()
                    : Optional.of(
                            route.key() + " (" + path + ") as " + caller.name() + ": " + s + ", expected " + expected);
        } catch (Exception e) {
            return Optional.of(route.key() + " as " + caller.name() + ": " + e);
        }
    }

    private int status(String method, String path, Caller caller) throws Exception {
        return send(method, path, caller).statusCode();
    }

    /**
     * API and actuator calls with the caller's bearer token (a session with CSRF for the token routes, which
     * refuse bearer tokens); pages with the caller's session and CSRF token. Only the status and
     * headers are read (an event stream would not end).
     */
    private HttpResponse<InputStream> send(String method, String path, Caller caller) throws Exception {
        boolean body = !method.equals("GET");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body
                                ? HttpRequest.BodyPublishers.ofString(
                                        "{\"reason\":\"matrix\",\"amount\":1,\"paused\":false,\"product\":\"pack-200\",\"name\":\"n\"}")
                                : HttpRequest.BodyPublishers.noBody())
                .header("Idempotency-Key", UUID.randomUUID().toString());
        if (body) {
            b.header("Content-Type", "application/json");
        }
        boolean bearerPath = path.startsWith("/api/") || path.startsWith("/actuator/");
        boolean useSession = caller.token() == null || !bearerPath || path.startsWith("/api/v1/tokens");
        HttpResponse<InputStream> r;
        if (useSession) {
            if (caller.csrf() != null) {
                b.header("X-CSRF-TOKEN", caller.csrf());
            }
            r = caller.session().sendStreaming(b);
        } else {
            b.header("Authorization", "Bearer " + caller.token());
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        }
        r.body().close();
        return r;
    }

    private HttpResponse<String> form(Caller caller, String method, String path) throws Exception {
        return caller.session()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .method(
                                method,
                                HttpRequest.BodyPublishers.ofString(
                                        "_csrf=" + java.net.URLEncoder.encode(caller.csrf(), StandardCharsets.UTF_8))));
    }
}

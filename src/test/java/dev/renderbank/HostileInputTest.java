package dev.renderbank;

import static dev.renderbank.HostileCorpus.PRIVATE_NAME;
import static dev.renderbank.HostileCorpus.SSRF_URLS;
import static dev.renderbank.HostileCorpus.leaks;
import static dev.renderbank.HostileCorpus.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.HostileCorpus.Case;
import dev.renderbank.notify.webhooks.WebhookUrlPolicy;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.BusinessRows;
import dev.renderbank.support.EveryRouteTest;
import dev.renderbank.support.Routes.Route;
import dev.renderbank.support.TestUsers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * Issue 14, hostile input: a corpus of bad input ({@link HostileCorpus}) sent over real HTTP to every
 * route the handler mappings know (a new route is covered without editing this class). Whatever
 * arrives, the answer is never a 5xx, never a stack trace or an HTML error page on the API; a write
 * route refuses it with a 4xx; nothing is written and no credit is held. Input no HTTP client sends
 * (raw bytes Tomcat refuses) is {@link HostileRawRequestsTest}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest extends EveryRouteTest {

    private TestUsers.TestUser user;
    private Session userSession;
    private Session adminSession;
    private String adminToken;

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
        assertThat(routes)
                .extracting(Route::key)
                .contains(
                        "POST /api/v1/generate-image",
                        "POST /signup",
                        "GET /api/v1/admin/jobs/{taskId}",
                        "GET /admin/jobs/{taskId}");
        List<String> failures = new ArrayList<>();
        for (Route route : routes) {
            Map<String, Long> before = BusinessRows.of(jdbc);
            for (Case c : HostileCorpus.corpus(route, ssrfUrls)) {
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
     * A JSON body a user or an operator sends with a field its request does not have is refused with
     * a 400 problem+json naming it, on every route that binds its body to a record; a body read as a
     * map or as bytes (provider callbacks, payment webhooks: outside systems, which may add fields at
     * any time) is not refused for it. Nothing is written.
     */
    @Test
    void everyJsonBodyRefusesAFieldItsRequestDoesNotHave() throws Exception {
        List<String> failures = new ArrayList<>();
        Map<String, Long> before = BusinessRows.of(jdbc);
        List<Route> strict = new ArrayList<>();
        for (Route route : applicationRoutes()) {
            if (!route.body()) {
                continue;
            }
            Case c = new Case(
                    "unknown field",
                    route.path(v -> "999999999"),
                    utf8("{\"notAFieldOfAnyRequest\":true}"),
                    "application/json",
                    Map.of());
            Answer a = send(route, c);
            if (route.bodyFields().isEmpty()) {
                if (a.body().contains("notAFieldOfAnyRequest")) {
                    failures.add("an outside system's field refused: " + route.key() + " -> " + a.body());
                }
                continue;
            }
            strict.add(route);
            if (a.status() != 400
                    || !a.contentType().startsWith("application/problem+json")
                    || !a.body().contains("\"field\":\"notAFieldOfAnyRequest\"")) {
                failures.add(route.key() + " -> " + a.status() + " " + a.body());
            }
        }
        assertThat(strict)
                .extracting(Route::key)
                .contains(
                        "POST /api/v1/generate-image",
                        "POST /api/v1/tokens",
                        "PATCH /api/v1/me",
                        "PUT /api/v1/notification-settings",
                        "POST /api/v1/webhook-endpoints",
                        "POST /api/v1/checkout",
                        "POST /api/v1/admin/users/{id}/grants",
                        "PUT /api/v1/admin/switches/{name}",
                        "POST /api/v1/admin/mail/{id}/resend");
        assertThat(failures)
                .as("bodies with a field their request does not have")
                .isEmpty();
        assertThat(BusinessRows.of(jdbc)).isEqualTo(before);
    }

    /**
     * A parameter a route takes once, given twice ({@code ?limit=10&limit=20}; a page's form field
     * twice), is refused naming it: problem+json on the API, the error page on a page, saying to give
     * it once. Spring joined text values with a comma and failed a number's conversion with a message
     * that did not say the parameter was repeated. Nothing is written.
     */
    @Test
    void everyRouteRefusesASingleValuedParameterGivenTwice() throws Exception {
        List<String> failures = new ArrayList<>();
        Map<String, Long> before = BusinessRows.of(jdbc);
        List<String> checked = new ArrayList<>();
        for (Route route : applicationRoutes()) {
            String plain = route.path(v -> "999999999");
            for (String param : route.singleParams()) {
                String name = URLEncoder.encode(param, StandardCharsets.UTF_8);
                String pair = name + "=1&" + name + "=2";
                Case c = route.method() == RequestMethod.GET
                        ? new Case("repeated " + param, plain + "?" + pair, null, null, Map.of())
                        : new Case(
                                "repeated " + param, plain, utf8(pair), "application/x-www-form-urlencoded", Map.of());
                Answer a = send(route, c);
                checked.add(route.key() + " " + param);
                boolean named = a.body().contains("give " + param + " once")
                        && (!a.contentType().startsWith("application/problem+json")
                                || a.body().contains("\"field\":\"" + param + "\""));
                if (a.status() != 400
                        || !named
                        || (route.api() && !a.contentType().startsWith("application/problem+json"))) {
                    failures.add(route.key() + " " + param + " -> " + a.status() + " " + a.contentType() + " "
                            + a.body().substring(0, Math.min(300, a.body().length())));
                }
            }
        }
        assertThat(checked)
                .contains(
                        "GET /api/v1/generations limit",
                        "GET /api/v1/generations status",
                        "GET /api/v1/generations cursor",
                        "GET /api/v1/credits/history limit",
                        "GET /api/v1/admin/webhooks status",
                        "GET /api/v1/admin/users jobsCursor",
                        "GET /api/v1/admin/users historyCursor",
                        "GET /admin/users historyCursor",
                        "GET /admin/jobs find",
                        "GET /admin/payments user",
                        "GET /creations status",
                        "POST /signup email");
        assertThat(failures).as("single-valued parameters given twice").isEmpty();
        assertThat(BusinessRows.of(jdbc)).isEqualTo(before);
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
}

package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every admin route, found from the handler mappings (a new route cannot be forgotten here):
 * anonymous callers get the login page (pages) or 401 (API); a USER gets 403.
 */
class AdminAuthorizationTest extends IntegrationTest {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern VARIABLE = Pattern.compile("\\{(\\w+)(?::([^}|]+)[^}]*)?}");

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    TestUsers testUsers;

    record Route(RequestMethod method, String path) {}

    List<Route> adminRoutes() {
        List<Route> routes = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, handler) -> {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/admin") && !pattern.startsWith("/api/v1/admin")) {
                    continue;
                }
                var methods = info.getMethodsCondition().getMethods();
                for (RequestMethod m : methods.isEmpty() ? java.util.Set.of(RequestMethod.GET) : methods) {
                    routes.add(new Route(m, concrete(pattern)));
                }
            }
        });
        return routes;
    }

    /** {@code {id}} becomes 1; {@code {action:a|b}} its first alternative. */
    static String concrete(String pattern) {
        Matcher m = VARIABLE.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, m.group(2) != null ? m.group(2) : "1");
        }
        m.appendTail(out);
        return out.toString();
    }

    @TestFactory
    Stream<DynamicTest> everyAdminRouteRefusesAnonymousCallersAndUsers() throws Exception {
        List<Route> routes = adminRoutes();
        assertThat(routes)
                .as("the enumeration finds the admin routes")
                .contains(
                        new Route(RequestMethod.POST, "/api/v1/admin/users/1/grants"),
                        new Route(RequestMethod.GET, "/admin"),
                        new Route(RequestMethod.POST, "/admin/users/1/grant"),
                        new Route(RequestMethod.PUT, "/api/v1/admin/switches/1"),
                        new Route(RequestMethod.GET, "/admin/mail"),
                        new Route(RequestMethod.POST, "/api/v1/admin/reconcile"),
                        new Route(RequestMethod.GET, "/api/v1/admin/reconciliations/latest"),
                        new Route(RequestMethod.POST, "/api/v1/admin/reconciliations/findings/1/repair"),
                        new Route(RequestMethod.GET, "/admin/reconciliation"),
                        new Route(RequestMethod.POST, "/admin/reconciliation/run"),
                        new Route(RequestMethod.POST, "/admin/reconciliation/findings/1/repair"));
        var user = testUsers.create(0);
        BrowserSession userSession = BrowserSession.signIn(port, user.email(), "correct horse battery staple");
        String userCsrf = csrf(userSession);
        return routes.stream()
                .map(r -> DynamicTest.dynamicTest(r.method() + " " + r.path(), () -> {
                    if (r.path().startsWith("/api/")) {
                        assertThat(api(r, null).statusCode()).as("anonymous").isEqualTo(401);
                        assertThat(api(r, user.token()).statusCode())
                                .as("USER token")
                                .isEqualTo(403);
                        assertThat(api(r, DEMO_TOKEN).statusCode())
                                .as("demo USER token")
                                .isEqualTo(403);
                    } else {
                        BrowserSession anonymous = BrowserSession.anonymous(port);
                        HttpResponse<String> anon = page(anonymous, r, csrf(anonymous));
                        assertThat(anon.statusCode()).as("anonymous").isEqualTo(302);
                        assertThat(anon.headers().firstValue("Location").orElse(""))
                                .endsWith("/login");
                        assertThat(page(userSession, r, userCsrf).statusCode())
                                .as("signed-in USER")
                                .isEqualTo(403);
                    }
                }));
    }

    private HttpResponse<String> api(Route r, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + r.path()))
                .method(
                        r.method().name(),
                        r.method() == RequestMethod.GET
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(
                                        "{\"reason\":\"x\",\"amount\":1,\"paused\":true}"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "auth-test");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return AdminSupport.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> page(BrowserSession session, Route r, String csrf) throws Exception {
        if (r.method() == RequestMethod.GET) {
            return session.get(r.path());
        }
        String form =
                "reason=x&amount=1&idempotencyKey=auth-test&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8);
        return session.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + r.path()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method(r.method().name(), HttpRequest.BodyPublishers.ofString(form)));
    }

    /** The session's CSRF token, from the login form (public, so readable by anyone with a session). */
    private static String csrf(BrowserSession session) throws Exception {
        Matcher m = CSRF.matcher(session.get("/login").body());
        assertThat(m.find()).as("login form carries a CSRF token").isTrue();
        return m.group(1);
    }
}

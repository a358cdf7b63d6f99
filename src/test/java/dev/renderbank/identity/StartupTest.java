package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The application starts on the embedded database and guards the API with API tokens. */
class StartupTest extends IntegrationTest {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void demoTokenSeesTheDemoCredits() throws Exception {
        HttpResponse<String> r = get("/api/v1/credits", DEMO_TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .contains("\"balance\":1000")
                .contains("\"held\":0")
                .contains("\"available\":1000")
                .contains("\"debt\":0");
    }

    @Test
    void missingTokenIs401ProblemJson() throws Exception {
        HttpResponse<String> r = get("/api/v1/credits", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    }

    @Test
    void wrongTokenIs401() throws Exception {
        assertThat(get("/api/v1/credits", "not-a-real-token-at-all-xxxxxxxx").statusCode())
                .isEqualTo(401);
    }

    @Test
    void healthIsPublicAndMetricsAreForAdmins() throws Exception {
        assertThat(get("/actuator/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/actuator/prometheus", DEMO_TOKEN).statusCode()).isEqualTo(403);
        HttpResponse<String> metrics = get("/actuator/prometheus", ADMIN_TOKEN);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("renderbank_credits_held").contains("renderbank_provider_available");
    }

    @Test
    void historyListsTheDemoGrant() throws Exception {
        HttpResponse<String> r = get("/api/v1/credits/history?limit=10", DEMO_TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"kind\":\"GRANT\"").contains("\"source\":\"SIGNUP\"");
        assertThat(get("/api/v1/credits/history?cursor=abc", DEMO_TOKEN).statusCode())
                .isEqualTo(400);
    }

    @Test
    void catalogListsModelsPacksAndPlans() throws Exception {
        HttpResponse<String> r = get("/api/v1/catalog", DEMO_TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .contains("\"id\":\"sora-2-pro\"")
                .contains("\"1080p-15\":300")
                .contains("\"id\":\"pack-200\"")
                .contains("\"priceMinor\":990")
                .contains("\"id\":\"pro-monthly\"");
    }

    @Test
    void oversizeBodiesAreRefusedBeforeBeingRead() throws Exception {
        byte[] big = new byte[2 * 1024 * 1024];
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/webhooks/creem"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
    }

    @Test
    void unknownRoutesAndMalformedQueriesAreProblemJson() throws Exception {
        HttpResponse<String> missing = get("/api/v1/nonexistent", DEMO_TOKEN);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(missing.body())
                .contains("/problems/not-found")
                .contains("No such path: GET /api/v1/nonexistent")
                .doesNotContain("static resource");
        // a query string no URI class will build: sent raw
        try (var socket = new java.net.Socket("localhost", port)) {
            socket.getOutputStream()
                    .write(
                            ("GET /api/v1/credits/history?cursor=%%% HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                                            + DEMO_TOKEN + "\r\nConnection: close\r\n\r\n")
                                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String status =
                    new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream())).readLine();
            assertThat(status).startsWith("HTTP/1.1 400");
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    Users users;

    @Test
    void aSessionNeedsCsrfEvenWithANonBearerAuthorizationHeader() throws Exception {
        users.create("csrf@test.local", "correct horse battery staple", Role.USER, true);
        var cookies = new java.net.CookieManager();
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        String loginPage = browser.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"")
                .matcher(loginPage);
        assertThat(m.find()).isTrue();
        String form = "username=csrf%40test.local&password=correct+horse+battery+staple&_csrf=" + m.group(1);
        browser.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(browser.send(
                                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/credits"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
        HttpResponse<String> forged = browser.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/rewards/check-in"))
                        .header("Authorization", "Basic Zm9vOmJhcg==")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
    }
}

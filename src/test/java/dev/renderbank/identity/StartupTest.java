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
}

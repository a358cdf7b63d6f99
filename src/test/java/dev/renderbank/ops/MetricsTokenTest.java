package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The metrics token ({@code renderbank.metrics.token}, set in the test profile) opens
 * {@code /actuator/prometheus} and nothing else; without it a scraper needs an ADMIN token.
 */
class MetricsTokenTest extends IntegrationTest {

    static final String METRICS_TOKEN = "test-metrics-token-0123456789abcdef";

    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path, String token) {
        return AdminSupport.call(port, "GET", path, token, null, null);
    }

    @Test
    void theMetricsTokenOpensPrometheus() {
        HttpResponse<String> r = get("/actuator/prometheus", METRICS_TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void theMetricsTokenOpensNothingElse() {
        for (String path : new String[] {
            "/actuator/metrics", "/api/v1/admin/dashboard", "/api/v1/purchases", "/api/v1/admin/audit", "/actuator/info"
        }) {
            assertThat(get(path, METRICS_TOKEN).statusCode()).as(path).isIn(401, 403);
        }
    }

    @Test
    void withoutTheMetricsTokenPrometheusNeedsAnAdmin() {
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", DEMO_TOKEN).statusCode()).isEqualTo(403);
        assertThat(get("/actuator/prometheus", METRICS_TOKEN + "x").statusCode())
                .isEqualTo(401);
        assertThat(get("/actuator/prometheus", ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }
}

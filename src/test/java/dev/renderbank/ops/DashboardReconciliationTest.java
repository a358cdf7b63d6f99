package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/admin/dashboard} reports the latest reconciliation, as the page's card does. */
class DashboardReconciliationTest extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.shared();

    @LocalServerPort
    int port;

    @Autowired
    AdminSupport admins;

    @Test
    void theDashboardJsonCarriesTheLatestRunsTimeCleanlinessAndFindingsByKind() {
        AdminSupport.Admin admin = admins.newAdmin();
        JsonNode run =
                JSON.readTree(AdminSupport.call(port, "POST", "/api/v1/admin/reconcile", admin.token(), null, null)
                        .body());

        var answer = AdminSupport.call(port, "GET", "/api/v1/admin/dashboard", admin.token(), null, null);
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode last = JSON.readTree(answer.body()).path("lastReconciliation");
        assertThat(last.isObject()).as(answer.body()).isTrue();
        assertThat(last.path("runId").asLong()).isEqualTo(run.path("runId").asLong());
        assertThat(last.path("finishedAt").asString())
                .isEqualTo(run.path("finishedAt").asString());
        assertThat(last.path("clean").asBoolean()).isEqualTo(run.path("clean").asBoolean());
        assertThat(last.path("findings").asInt()).isEqualTo(run.path("findings").size());
        assertThat(counts(last.path("findingsByKind"))).isEqualTo(counts(run.path("counts")));
        assertThat(last.path("skipped")).isEqualTo(run.path("skipped"));
    }

    private static Map<String, Long> counts(JsonNode byKind) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (Map.Entry<String, JsonNode> e : byKind.properties()) {
            counts.put(e.getKey(), e.getValue().asLong());
        }
        return counts;
    }
}

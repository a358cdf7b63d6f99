package dev.renderbank.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** "Download my data": the caller's profile, jobs, credit history and purchases, and nobody else's. */
class DataExportTest extends IntegrationTest {

    static final String IMAGE = "{\"model\":\"nano-banana\",\"prompt\":\"%s\"}";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Test
    void theExportHoldsTheCallersDataAndNothingOfAnotherUser() throws Exception {
        Api api = new Api(port);
        TestUsers.TestUser me = testUsers.create(40);
        TestUsers.TestUser other = testUsers.create(70);
        String myJob = api.post("/api/v1/generate-image", me.token(), IMAGE.formatted("my lighthouse"))
                .json()
                .get("taskId")
                .asString();
        String theirJob = api.post("/api/v1/generate-image", other.token(), IMAGE.formatted("their castle"))
                .json()
                .get("taskId")
                .asString();

        SessionApi session = SessionApi.signIn(port, me.email(), "correct horse battery staple", "/account/delete");
        HttpResponse<String> r = session.browser().get("/account/export");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .startsWith("attachment")
                .contains(".json");
        JsonNode export = JsonMapper.builder().build().readTree(r.body());
        assertThat(export.get("profile").get("email").asString()).isEqualTo(me.email());
        assertThat(export.get("profile").get("id").asLong()).isEqualTo(me.id());
        assertThat(export.get("jobs")).hasSize(1);
        assertThat(export.get("jobs").get(0).get("id").asString()).isEqualTo(myJob);
        assertThat(export.get("ledger").toString()).contains("test-grant:" + me.id());
        assertThat(export.get("credits").get("balance").asLong()).isEqualTo(40);
        assertThat(export.has("purchases")).isTrue();
        assertThat(export.get("apiTokens")).hasSize(1);
        assertThat(r.body())
                .doesNotContain(other.email())
                .doesNotContain(theirJob)
                .doesNotContain("test-grant:" + other.id())
                .doesNotContain(me.token());
    }
}

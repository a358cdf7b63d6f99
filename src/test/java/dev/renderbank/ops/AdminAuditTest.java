package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The audit list filters by actor, action kind, subject and UTC date range, on the page and the API. */
class AdminAuditTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    AdminSupport admins;

    @Autowired
    TestUsers users;

    private void act(String token, long userId, String action) {
        var r = AdminSupport.call(
                port,
                "POST",
                "/api/v1/admin/users/" + userId + "/" + action,
                token,
                "{\"reason\":\"audit filter test\"}",
                null);
        assertThat(r.statusCode()).as(r.body()).isLessThan(300);
    }

    private JsonNode audit(String token, String query) {
        var r = AdminSupport.call(port, "GET", "/api/v1/admin/audit?" + query, token, null, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JsonMapper.shared().readTree(r.body()).get("items");
    }

    @Test
    void theDateRangeActorActionAndSubjectFiltersCombine() throws Exception {
        var admin = admins.newAdmin();
        var u = users.create(0);
        clock.advance(Duration.ofDays(-10));
        LocalDate tenDaysAgo = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        act(admin.token(), u.id(), "suspend");
        clock.reset();
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        act(admin.token(), u.id(), "reinstate");

        String mine = "actor=" + admin.email();
        assertThat(audit(admin.token(), mine)).hasSize(2);
        JsonNode old = audit(admin.token(), mine + "&from=" + tenDaysAgo + "&to=" + tenDaysAgo);
        assertThat(old).hasSize(1);
        assertThat(old.get(0).get("action").asString()).isEqualTo("suspend");
        JsonNode recent = audit(admin.token(), mine + "&from=" + today.minusDays(1));
        assertThat(recent).hasSize(1);
        assertThat(recent.get(0).get("action").asString()).isEqualTo("reinstate");
        assertThat(audit(admin.token(), mine + "&action=suspend&target=user:" + u.id()))
                .hasSize(1);
        assertThat(audit(admin.token(), mine + "&target=user:0")).isEmpty();

        var page = BrowserSession.signIn(port, admin.email(), "correct horse battery staple")
                .get("/admin/audit?actor=" + admin.email() + "&from=" + tenDaysAgo + "&to=" + tenDaysAgo);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<td>suspend</td>").doesNotContain("<td>reinstate</td>");
    }

    @Test
    void aBadDateIsAProblemNamingTheField() {
        var admin = admins.newAdmin();
        var r = AdminSupport.call(port, "GET", "/api/v1/admin/audit?from=last-week", admin.token(), null, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("from");
    }
}

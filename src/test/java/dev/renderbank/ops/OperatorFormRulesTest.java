package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAdministration;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One rule for the reason and key of every operator action, whether it comes from a page's form or
 * the API: a reason is required, at most 1000 characters and free of control characters (line
 * breaks and tabs are fine); a form must carry its idempotency key. A refused form comes back to its
 * page with a message saying what to fix, and nothing is done or recorded.
 */
class OperatorFormRulesTest extends IntegrationTest {

    private static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    AdminSupport admins;

    @Autowired
    TestUsers testUsers;

    @Autowired
    UserAdministration accounts;

    @Autowired
    Audit audit;

    /**
     * "Check at provider" and "Fail and release" on /admin/jobs send the operator back to the list as
     * they filtered it (?olderThan=…), not to its default; an age the list would refuse is left out.
     */
    @Test
    void aJobsFormGoesBackToTheListAsItWasFiltered() throws Exception {
        var admin = admins.newAdmin();
        SessionApi session = SessionApi.signIn(port, admin.email(), PASSWORD, "/admin/jobs?olderThan=1s");
        for (String[] sent : new String[][] {{"1s", "/admin/jobs?olderThan=1s"}, {"soon", "/admin/jobs"}}) {
            HttpResponse<String> posted = session.browser()
                    .send(HttpRequest.newBuilder(
                                    URI.create("http://localhost:" + port + "/admin/jobs/no-such-job/check"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "_csrf=" + enc(session.csrf()) + "&olderThan=" + enc(sent[0]))));
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
            assertThat(java.net
                                    .URI
                                    .create(posted.headers()
                                            .firstValue("Location")
                                            .orElse(""))
                                    .getRawPath()
                            + Optional.ofNullable(java.net
                                            .URI
                                            .create(posted.headers()
                                                    .firstValue("Location")
                                                    .orElse(""))
                                            .getRawQuery())
                                    .map(q -> "?" + q)
                                    .orElse(""))
                    .isEqualTo(sent[1]);
        }
    }

    /** Posts the suspend form of user {@code id}'s page and answers the page it is sent back to. */
    private String suspendForm(SessionApi session, long id, String reason, String key) throws Exception {
        StringBuilder form = new StringBuilder("_csrf=" + enc(session.csrf()));
        if (reason != null) {
            form.append("&reason=").append(enc(reason));
        }
        if (key != null) {
            form.append("&idempotencyKey=").append(enc(key));
        }
        HttpResponse<String> posted = session.browser()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/users/" + id + "/suspend"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form.toString())));
        assertThat(posted.statusCode())
                .as("a form is always answered by a redirect back to its page: " + posted.body())
                .isEqualTo(302);
        assertThat(posted.headers().firstValue("Location").orElse("")).contains("/admin/users?q=" + id);
        HttpResponse<String> page = session.browser().get("/admin/users?q=" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        return HtmlUtils.htmlUnescape(page.body());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private void assertNothingDone(long userId) {
        assertThat(accounts.active(userId)).as("not suspended").isTrue();
        assertThat(audit.list(null, null, "user:" + userId, null, 10))
                .as("nothing recorded")
                .isEmpty();
    }

    @Test
    void aFormWithoutAnAcceptableReasonOrKeyIsRefusedWithWhatToFixAndDoesNothing() throws Exception {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        SessionApi session = SessionApi.signIn(port, admin.email(), PASSWORD, "/admin/users?q=" + u.id());

        assertThat(suspendForm(session, u.id(), "   ", UUID.randomUUID().toString()))
                .contains("Cannot suspend user " + u.id() + ": the reason is required");
        assertNothingDone(u.id());

        assertThat(suspendForm(
                        session, u.id(), "x".repeat(1001), UUID.randomUUID().toString()))
                .contains("Cannot suspend user " + u.id() + ": the reason must be at most 1000 characters");
        assertNothingDone(u.id());

        assertThat(suspendForm(
                        session, u.id(), "fraud\u0007check", UUID.randomUUID().toString()))
                .contains("the reason must not contain control characters (U+0007 at position 6)");
        assertNothingDone(u.id());

        assertThat(suspendForm(session, u.id(), "fraud check", null))
                .contains("Cannot suspend user " + u.id() + ": the form carries no usable idempotency key");
        assertThat(suspendForm(session, u.id(), "fraud check", "k".repeat(201)))
                .contains("the form carries no usable idempotency key");
        // the key is recorded in the audit trail: one printable line, as the command line's --key
        // (a NUL byte in any form field is refused before, as a form that could not be read)
        assertThat(suspendForm(session, u.id(), "fraud check", "k\u0007" + u.id()))
                .contains("the form carries no usable idempotency key");
        assertNothingDone(u.id());

        assertThat(suspendForm(
                        session,
                        u.id(),
                        "  " + "y".repeat(1000) + " ",
                        UUID.randomUUID().toString()))
                .as("1000 characters, once trimmed, are enough")
                .contains("Done: suspend");
        assertThat(accounts.active(u.id())).isFalse();
    }

    @Test
    void theApiRefusesTheSameReasonsNamingTheField() {
        var admin = admins.newAdmin();
        var u = testUsers.create(0);
        String path = "/api/v1/admin/users/" + u.id() + "/suspend";
        for (String reason : new String[] {"x".repeat(1001), "fraud\u001bcheck"}) {
            var r = AdminSupport.call(
                    port, "POST", path, admin.token(), JsonMapper.shared().writeValueAsString(new Body(reason)), null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            JsonNode problem = JsonMapper.shared().readTree(r.body());
            assertThat(problem.at("/errors/0/field").asString()).isEqualTo("reason");
        }
        assertNothingDone(u.id());
        var ok = AdminSupport.call(
                port,
                "POST",
                path,
                admin.token(),
                JsonMapper.shared().writeValueAsString(new Body("line one\nline\ttwo")),
                null);
        assertThat(ok.statusCode())
                .as("line breaks and tabs are fine: " + ok.body())
                .isEqualTo(200);
    }

    record Body(String reason) {}
}

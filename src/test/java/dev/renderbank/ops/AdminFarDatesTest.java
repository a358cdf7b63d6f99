package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Dates and ages an operator can type that parse but lie far outside any time the books can hold
 * (ISO dates of year +999999999, an age of millions of years): the admin API and pages refuse them
 * with a 400 naming the field, as they refuse a date that does not parse, never a 500.
 */
class AdminFarDatesTest extends IntegrationTest {

    static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @LocalServerPort
    int port;

    @Autowired
    AdminSupport admins;

    /** Query strings (already URL-encoded) and the field each must be refused on. */
    static final List<String[]> FAR = List.of(
            new String[] {"/admin/audit?to=%2B999999999-12-31", "to"},
            new String[] {"/admin/audit?from=-999999999-01-01", "from"},
            new String[] {"/admin/audit?from=%2B200000-01-01", "from"},
            new String[] {"/admin/margins?from=%2B999999999-12-01&to=%2B999999999-12-31", "to"},
            new String[] {"/admin/margins?from=-999999999-01-01&to=-999999999-01-05", "to"},
            new String[] {"/admin/jobs/stuck?olderThan=9999999999999h", "olderThan"},
            new String[] {"/admin/jobs/stuck?olderThan=999999999999h", "olderThan"},
            new String[] {"/admin/jobs/stuck?olderThan=2562047788015215h", "olderThan"});

    @Test
    void theApiRefusesFarDatesAndAgesNamingTheField() {
        var admin = admins.newAdmin();
        List<String> wrong = new ArrayList<>();
        for (String[] c : FAR) {
            var r = AdminSupport.call(port, "GET", "/api/v1" + c[0], admin.token(), null, null);
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (r.statusCode() != 400
                    || !ct.startsWith("application/problem+json")
                    || !r.body().contains("\"field\":\"" + c[1] + "\"")) {
                wrong.add(c[0] + " -> " + r.statusCode() + " " + r.body());
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void thePagesRefuseFarDatesAndAgesWithTheErrorPage() throws Exception {
        var admin = admins.newAdmin();
        BrowserSession browser = BrowserSession.signIn(port, admin.email(), "correct horse battery staple");
        List<String> wrong = new ArrayList<>();
        for (String[] c : FAR) {
            String path = c[0].replace("/admin/jobs/stuck", "/admin/jobs");
            HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Accept", BROWSER)
                    .GET());
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (r.statusCode() != 400
                    || !ct.startsWith("text/html")
                    || !r.body().contains(c[1] + " must be")
                    || r.body().contains("Exception")) {
                wrong.add(path + " -> " + r.statusCode() + " "
                        + r.body().substring(0, Math.min(300, r.body().length())));
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void datesAndAgesWithinReachStillWork() {
        var admin = admins.newAdmin();
        for (String path : List.of(
                "/api/v1/admin/audit?from=0001-01-01&to=9999-12-31",
                "/api/v1/admin/margins?from=9999-01-01&to=9999-12-31",
                "/api/v1/admin/jobs/stuck?olderThan=87600h")) {
            var r = AdminSupport.call(port, "GET", path, admin.token(), null, null);
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
        }
    }
}

package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The user's time zone (the calendar the daily rewards count days in) is theirs to set: {@code GET}
 * and {@code PATCH /api/v1/me}, the form on {@code /account}, and the browser's zone at sign-up. Only
 * an IANA zone id Java knows is stored; anything else is refused naming the field, nothing written.
 */
class TimeZoneSettingTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();
    private final JsonMapper json = JsonMapper.builder().build();

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void theCallerReadsAndSetsTheirTimeZoneThroughTheApi() throws Exception {
        UserAccount u = newUser();
        String token = users.issueToken(u.id(), "test");
        HttpResponse<String> me = call("GET", "/api/v1/me", token, null);
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        JsonNode before = json.readTree(me.body());
        assertThat(before.path("id").asLong()).isEqualTo(u.id());
        assertThat(before.path("email").asString()).isEqualTo(u.email());
        assertThat(before.path("emailVerified").asBoolean()).isTrue();
        assertThat(before.path("timeZone").asString()).as("the default").isEqualTo("UTC");

        HttpResponse<String> set = call("PATCH", "/api/v1/me", token, "{\"timeZone\":\"Europe/Berlin\"}");
        assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
        assertThat(json.readTree(set.body()).path("timeZone").asString()).isEqualTo("Europe/Berlin");
        assertThat(json.readTree(call("GET", "/api/v1/me", token, null).body())
                        .path("timeZone")
                        .asString())
                .isEqualTo("Europe/Berlin");
        assertThat(stored(u)).isEqualTo("Europe/Berlin");

        assertThat(call("GET", "/api/v1/me", null, null).statusCode())
                .as("signed out")
                .isEqualTo(401);
    }

    @Test
    void aZoneJavaDoesNotKnowIsRefusedNamingTheFieldAndNothingIsWritten() throws Exception {
        UserAccount u = newUser();
        String token = users.issueToken(u.id(), "test");
        assertThat(call("PATCH", "/api/v1/me", token, "{\"timeZone\":\"Asia/Tokyo\"}")
                        .statusCode())
                .isEqualTo(200);
        for (String zone : List.of(
                "Mars/Olympus_Mons",
                "asia/tokyo",
                "+02:00",
                "UTC+2",
                "CET ",
                "",
                "x".repeat(500),
                "Europe/Berlin\\u0000")) {
            HttpResponse<String> r = call("PATCH", "/api/v1/me", token, "{\"timeZone\":\"" + zone + "\"}");
            assertThat(r.statusCode()).as(zone + ": " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode error = json.readTree(r.body()).path("errors").path(0);
            assertThat(error.path("field").asString()).as(r.body()).isEqualTo("timeZone");
            assertThat(error.path("message").asString()).as(r.body()).contains("Europe/Berlin");
            assertThat(stored(u)).as(zone).isEqualTo("Asia/Tokyo");
        }
        for (String body :
                List.of("{}", "{\"timeZone\":null}", "{\"timeZone\":42}", "{\"timezone\":\"Europe/Berlin\"}")) {
            HttpResponse<String> r = call("PATCH", "/api/v1/me", token, body);
            assertThat(r.statusCode()).as(body + ": " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(stored(u)).as(body).isEqualTo("Asia/Tokyo");
        }
    }

    @Test
    void signUpKeepsTheBrowsersZoneWhenJavaKnowsItAndUtcOtherwise() throws Exception {
        String berlin = signUp("timeZone", "Europe/Berlin");
        String bogus = signUp("timeZone", "Etc/Unknown");
        String none = signUp();
        assertThat(users.byEmail(berlin).orElseThrow().timeZone()).isEqualTo("Europe/Berlin");
        assertThat(users.byEmail(bogus).orElseThrow().timeZone()).isEqualTo("UTC");
        assertThat(users.byEmail(none).orElseThrow().timeZone()).isEqualTo("UTC");
    }

    /** A repeated sign-up for an address with an account changes nothing of it, its zone included. */
    @Test
    void aRepeatedSignUpLeavesTheAccountsZoneAsItIs() throws Exception {
        String email = signUp("timeZone", "Europe/Berlin");
        FormClient browser = new FormClient(port);
        HttpResponse<String> again = browser.post(
                "/signup", "/signup", "email", email, "password", "another quiet lighthouse", "timeZone", "Asia/Tokyo");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(users.byEmail(email).orElseThrow().timeZone()).isEqualTo("Europe/Berlin");
    }

    @Test
    void theAccountPageShowsTheZoneAndItsFormSetsIt() throws Exception {
        UserAccount u = newUser();
        FormClient browser = new FormClient(port);
        assertThat(browser.signIn(u.email(), PASSWORD)).doesNotContain("error");
        String page = browser.get("/account").body();
        assertThat(page).contains("<option value=\"UTC\" selected=\"selected\">UTC</option>");
        assertThat(page).contains("<option value=\"America/Los_Angeles\">America/Los_Angeles</option>");

        HttpResponse<String> saved = browser.post("/account", "/account/time-zone", "timeZone", "America/Los_Angeles");
        assertThat(saved.statusCode()).isEqualTo(302);
        assertThat(FormClient.location(saved)).endsWith("/account#time-zone");
        assertThat(stored(u)).isEqualTo("America/Los_Angeles");
        String after = browser.get("/account").body();
        assertThat(after).contains("Your time zone is now America/Los_Angeles");
        assertThat(after)
                .contains("<option value=\"America/Los_Angeles\" selected=\"selected\">America/Los_Angeles</option>");

        HttpResponse<String> refused = browser.post("/account", "/account/time-zone", "timeZone", "Mars/Olympus_Mons");
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(stored(u)).as("nothing written").isEqualTo("America/Los_Angeles");
        assertThat(browser.get("/account").body()).contains("Europe/Berlin").contains("nothing was changed");
    }

    private UserAccount newUser() {
        return users.create("tz-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
    }

    /** Signs up through the form with these extra fields; the new address. */
    private String signUp(String... fields) throws Exception {
        String email = "tz-signup-" + UUID.randomUUID() + "@test.local";
        String[] all = new String[4 + fields.length];
        all[0] = "email";
        all[1] = email;
        all[2] = "password";
        all[3] = "a quiet lighthouse at dusk";
        System.arraycopy(fields, 0, all, 4, fields.length);
        HttpResponse<String> r = new FormClient(port).post("/signup", "/signup", all);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("Check your inbox");
        return email;
    }

    private String stored(UserAccount u) {
        return jdbc.sql("select time_zone from app_user where id = :id")
                .param("id", u.id())
                .query(String.class)
                .single();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

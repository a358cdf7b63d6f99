package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The HTML forms (sign-up, resend, forgot, reset, sign-in, change password, delete account, time zone) given
 * NUL, control characters or bytes that are not UTF-8 answer like a person using them expects: the
 * page again with a clear error, or the sign-in page's redirect; never a 500 and never a JSON
 * problem body meant for API clients.
 */
class FormPagesBadInputTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    /** Field values, already URL-encoded: a NUL, control characters, and bytes that are not UTF-8. */
    static final List<String> BAD = List.of(
            enc("nul\u0000@test.local"),
            enc("\u0000"),
            enc("bell\u0007\u001b\u007f@test.local"),
            "%FF%FE%C3%28",
            "a%C3%28b%40test.local",
            "%ED%A0%80");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @AfterEach
    void forgetCounts() {
        AccountsTestCleanup.clear(jdbc);
    }

    record Form(String page, String action, boolean signedIn, List<String> fields) {}

    static final List<Form> FORMS = List.of(
            new Form("/signup", "/signup", false, List.of("email", "password", "ref", "timeZone")),
            new Form("/signup", "/signup/resend", false, List.of("email")),
            new Form("/password/forgot", "/password/forgot", false, List.of("email")),
            new Form("/password/forgot", "/password/reset", false, List.of("token", "password")),
            new Form("/login", "/login", false, List.of("username", "password")),
            new Form("/account/password", "/account/password", true, List.of("current", "password")),
            new Form("/account/delete", "/account/delete", true, List.of("password")),
            new Form("/account", "/account/time-zone", true, List.of("timeZone")));

    @Test
    void badCharactersInAFormAreAnsweredWithThePageAndAClearError() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Form form : FORMS) {
            for (String field : form.fields()) {
                for (String bad : BAD) {
                    AccountsTestCleanup.clear(jdbc); // only the answer to this one post matters
                    FormClient browser = form.signedIn() ? signedIn() : new FormClient(port);
                    StringBuilder body = new StringBuilder();
                    for (String f : form.fields()) {
                        body.append(body.isEmpty() ? "" : "&")
                                .append(f)
                                .append('=')
                                .append(f.equals(field) ? bad : enc(valid(f)));
                    }
                    HttpResponse<String> r = browser.postEncoded(form.page(), form.action(), body.toString());
                    judge(form, field, bad, r).ifPresent(wrong::add);
                }
            }
        }
        assertThat(wrong).as("forms answered wrongly").isEmpty();
    }

    private static java.util.Optional<String> judge(Form form, String field, String bad, HttpResponse<String> r) {
        String what = form.action() + " " + field + "=" + bad + " -> " + r.statusCode() + " "
                + r.headers().firstValue("Content-Type").orElse("") + " "
                + FormClient.location(r) + " "
                + r.body().substring(0, Math.min(200, r.body().length())).replaceAll("\\s+", " ");
        if (r.statusCode() >= 500) {
            return java.util.Optional.of(what);
        }
        if (r.statusCode() >= 300 && r.statusCode() < 400) {
            String to = FormClient.location(r);
            // the sign-in form reports through its redirect; others may lead back to their page
            boolean clear = form.action().equals("/login")
                    ? to.contains("/login?error")
                    : !to.isEmpty() && !to.contains("/error");
            return clear ? java.util.Optional.empty() : java.util.Optional.of("redirect: " + what);
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/html")) {
            return java.util.Optional.of("not the page: " + what);
        }
        if (r.body().contains("Whitelabel") || r.body().contains("Exception")) {
            return java.util.Optional.of("leaks internals: " + what);
        }
        if (r.statusCode() >= 400
                && !r.body().contains("role=\"alert\"")
                && !r.body().contains("class=\"error\"")) {
            return java.util.Optional.of("no error shown: " + what);
        }
        return java.util.Optional.empty();
    }

    private FormClient signedIn() throws Exception {
        String email = "forms-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        FormClient browser = new FormClient(port);
        assertThat(browser.signIn(email, PASSWORD)).doesNotContain("/login");
        return browser;
    }

    private static String valid(String field) {
        return switch (field) {
            case "email", "username" -> "someone-" + UUID.randomUUID() + "@test.local";
            case "current" -> PASSWORD;
            case "password" -> "another long pass phrase " + UUID.randomUUID();
            case "token" -> "x";
            case "timeZone" -> "Europe/Berlin";
            default -> "r";
        };
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * An error about one field is tied to it: the field is marked aria-invalid, names the error in
 * aria-describedby (a screen reader reads it with the field) and has the focus; other fields do
 * not. Before, the sign-up form focused the email also for a password error, and the reset, change,
 * delete and confirm-address forms left their errors beside fields that did not name them.
 */
class FieldErrorsPageTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Users users;

    @AfterEach
    void forgetLimits() {
        AccountsTestCleanup.clear(jdbc);
    }

    @Test
    void aSignUpPasswordErrorIsThePasswordFields() throws Exception {
        String page = new FormClient(port)
                .post(
                        "/signup",
                        "/signup",
                        "email",
                        "fe-" + UUID.randomUUID() + "@test.local",
                        "password",
                        "password1234")
                .body();
        assertThat(input(page, "password"))
                .contains("aria-invalid=\"true\"", "aria-describedby=\"problem password-rule\"", "autofocus");
        assertThat(input(page, "email")).doesNotContain("autofocus").contains("aria-invalid=\"false\"");
    }

    @Test
    void aWrongCurrentPasswordIsTheCurrentFields() throws Exception {
        String email = newUser();
        FormClient owner = new FormClient(port);
        owner.signIn(email, PASSWORD);
        String page = owner.post(
                        "/account/password",
                        "/account/password",
                        "current",
                        "not it at all",
                        "password",
                        "seven ravens over the harbour")
                .body();
        assertThat(input(page, "current"))
                .contains("aria-invalid=\"true\"", "aria-describedby=\"problem\"", "autofocus");
        assertThat(input(page, "password")).doesNotContain("autofocus").contains("aria-describedby=\"password-rule\"");
    }

    @Test
    void aWeakResetPasswordIsThePasswordFields() throws Exception {
        String email = newUser();
        FormClient forgetful = new FormClient(port);
        forgetful.post("/password/forgot", "/password/forgot", "email", email);
        String link = MailedLinks.await(jdbc, "password-reset", email, 1);
        String token = URLDecoder.decode(link.substring(link.indexOf('=') + 1), StandardCharsets.UTF_8);
        String page = forgetful
                .post(link, "/password/reset", "token", token, "password", "password1234")
                .body();
        assertThat(input(page, "password"))
                .contains("aria-invalid=\"true\"", "aria-describedby=\"problem password-rule\"");
    }

    @Test
    void aWrongPasswordAtDeletionIsThePasswordFields() throws Exception {
        String email = newUser();
        FormClient owner = new FormClient(port);
        owner.signIn(email, PASSWORD);
        String page = owner.post("/account/delete", "/account/delete", "password", "not it at all")
                .body();
        assertThat(input(page, "delete-password"))
                .contains("aria-invalid=\"true\"", "aria-describedby=\"delete-error\"", "autofocus");
    }

    @Test
    void aMismatchWhenConfirmingAnAddressIsAnnouncedAndTiedToThePassword() throws Exception {
        String email = "fe-again-" + UUID.randomUUID() + "@test.local";
        new FormClient(port).post("/signup", "/signup", "email", email, "password", PASSWORD);
        MailedLinks.await(jdbc, "verify-email", email, 1);
        new FormClient(port).post("/signup", "/signup", "email", email, "password", "a second, better lighthouse");
        String link = MailedLinks.await(jdbc, "verify-email", email, 2);
        String token = URLDecoder.decode(link.substring(link.indexOf('=') + 1), StandardCharsets.UTF_8);
        String page = new FormClient(port)
                .post(link, "/verify-email", "token", token, "password", "neither of the two")
                .body();
        assertThat(page).containsPattern("<p class=\"error\" id=\"mismatch\" role=\"alert\"");
        assertThat(input(page, "password")).contains("aria-invalid=\"true\"", "aria-describedby=\"mismatch\"");
    }

    private String newUser() {
        String email = "fe-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, Role.USER, true);
        return email;
    }

    /** The {@code <input>} tag with this id, as the page sent it. */
    private static String input(String page, String id) {
        Matcher m = Pattern.compile("<input id=\"" + id + "\"[^>]*>").matcher(page);
        assertThat(m.find()).as("input #" + id).isTrue();
        return m.group();
    }
}

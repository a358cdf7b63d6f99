package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.notify.Notifier;
import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The "generation ready/failed" emails say they can be turned off on the account page: its Emails
 * form does that (the setting PUT /api/v1/notification-settings changes). Before, only the API could.
 */
class EmailChoicesPageTest extends IntegrationTest {

    private static final String PASSWORD = "a quiet lighthouse at dusk";

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    Notifier notifier;

    @Test
    void theAccountPagesEmailsFormTurnsGenerationEmailsOffAndOn() throws Exception {
        UserAccount u = users.create("emails-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        FormClient browser = new FormClient(port);
        assertThat(browser.signIn(u.email(), PASSWORD)).doesNotContain("error");
        assertThat(browser.get("/account").body())
                .contains("id=\"emails\"")
                .containsPattern("id=\"generation-emails\"[^>]*checked");

        // an unticked box is not sent at all
        HttpResponse<String> off = browser.post("/account", "/account/emails");
        assertThat(off.statusCode()).isEqualTo(302);
        assertThat(FormClient.location(off)).endsWith("/account#emails");
        assertThat(notifier.settings(u.id()).generationEmails()).isFalse();
        assertThat(browser.get("/account").body())
                .contains("no longer be emailed about finished generations")
                .doesNotContainPattern("id=\"generation-emails\"[^>]*checked");

        browser.post("/account", "/account/emails", "generationEmails", "true");
        assertThat(notifier.settings(u.id()).generationEmails()).isTrue();
    }

    @Test
    void theFormNeedsASignedInUserAndItsCsrfToken() throws Exception {
        FormClient anonymous = new FormClient(port);
        HttpResponse<String> r = anonymous.post("/login", "/account/emails", "generationEmails", "true");
        assertThat(r.statusCode()).isIn(302, 401, 403);
        if (r.statusCode() == 302) {
            assertThat(FormClient.location(r)).contains("/login");
        }
    }
}

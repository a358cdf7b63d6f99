package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A password set for a user by the application, not through the owner's change page ({@link Users#setPassword}):
 * the user's browser sessions signed in with the old password are signed out at their next request
 * (each session remembers the password it signed in with); the API tokens stay valid; the new
 * password signs in.
 */
class UsersSetPasswordTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Autowired
    Users users;

    @Test
    void theUsersSessionsAreSignedOutAtTheirNextRequest() throws Exception {
        TestUsers.TestUser u = testUsers.create(0);
        BrowserSession page = BrowserSession.signIn(port, u.email(), PASSWORD);
        SessionApi api = SessionApi.signIn(port, u.email(), PASSWORD, "/account/tokens");
        assertThat(page.get("/account").statusCode()).isEqualTo(200);

        users.setPassword(u.id(), "a password the operator set 42");

        HttpResponse<String> next = page.get("/account");
        assertThat(next.statusCode()).isEqualTo(302);
        assertThat(next.headers().firstValue("Location").orElse("")).contains("/login");
        assertThat(api.call("GET", "/api/v1/tokens", null).statusCode()).isEqualTo(401);
        assertThat(users.authenticateToken(u.token())).as("API tokens are kept").isPresent();
        assertThat(BrowserSession.signIn(port, u.email(), "a password the operator set 42")
                        .get("/account")
                        .statusCode())
                .isEqualTo(200);
    }
}

package dev.renderbank.identity.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Accounts;
import dev.renderbank.identity.DemoProperties;
import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.ui.ExtendedModelMap;

/**
 * The sign-in page points to the printed demo login only where demo users exist
 * ({@code renderbank.demo.enabled}, off under {@code prod}): every visitor of a production site saw
 * "Development run? The demo login is printed at start-up…".
 */
class LoginPageDemoHintTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Accounts accounts;

    @Test
    void theDemoHintIsShownOnlyWithDemoUsers() {
        ExtendedModelMap off = new ExtendedModelMap();
        new LoginPage(accounts, new DemoProperties(false, null, null, 0)).login(null, off);
        assertThat(off.getAttribute("demoLogin")).isEqualTo(false);

        ExtendedModelMap on = new ExtendedModelMap();
        new LoginPage(accounts, new DemoProperties(true, null, null, 0)).login(null, on);
        assertThat(on.getAttribute("demoLogin")).isEqualTo(true);
    }

    @Test
    void aRunWithDemoUsersShowsWhereTheirLoginIs() throws Exception {
        // the shared test context runs with demo users (renderbank.demo.enabled defaults to true)
        String page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(page).contains("id=\"demo-login\"").contains("data/demo-credentials.txt");
    }
}

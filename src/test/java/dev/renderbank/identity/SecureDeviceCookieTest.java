package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Where the session cookie is configured Secure (as {@code prod} configures it), the sign-in device
 * cookie is too, also when the request reached the app as plain http (a TLS proxy the app was not
 * told to trust): a device token sent over http would buy its thief the known browser's guesses. So
 * is the signed-out browser's CSRF token cookie ({@code rb_csrf}), which stands in for its session.
 */
@TestPropertySource(properties = "server.servlet.session.cookie.secure=true")
class SecureDeviceCookieTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Test
    void theDeviceAndTokenCookiesAreSecureWhereverTheSessionCookieIs() throws Exception {
        String email = "device-" + UUID.randomUUID() + "@test.local";
        users.create(email, "correct horse battery staple", Role.USER, true);
        // by hand: a client's cookie store keeps a Secure session cookie off plain http
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> form = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(form.body());
        assertThat(csrf.find()).isTrue();
        assertThat(form.headers().allValues("Set-Cookie"))
                .filteredOn(c -> c.startsWith("rb_csrf="))
                .singleElement()
                .satisfies(c -> assertThat(c).contains("; Secure").contains("; HttpOnly"));
        String cookies = form.headers().allValues("Set-Cookie").stream()
                .map(c -> c.split(";", 2)[0])
                .collect(Collectors.joining("; "));
        HttpResponse<String> signedIn = http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", cookies)
                        .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + enc(csrf.group(1)) + "&username="
                                + enc(email) + "&password=" + enc("correct horse battery staple")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(FormClient.location(signedIn)).doesNotContain("/login");
        assertThat(signedIn.headers().allValues("Set-Cookie"))
                .filteredOn(c -> c.startsWith("rb_signin_device="))
                .singleElement()
                .satisfies(c -> assertThat(c).contains("; Secure"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser-like HTTP client signed in through the login form (session cookie and CSRF token). */
public final class BrowserSession {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final HttpClient client =
            HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    private final int port;

    private BrowserSession(int port) {
        this.port = port;
    }

    public static BrowserSession signIn(int port, String email, String password) throws Exception {
        BrowserSession s = new BrowserSession(port);
        Matcher m = CSRF.matcher(s.get("/login").body());
        assertThat(m.find()).as("login form carries a CSRF token").isTrue();
        String form = "username=" + URLEncoder.encode(email, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)
                + "&_csrf=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> login = s.send(HttpRequest.newBuilder(s.uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(login.headers().firstValue("Location").orElse("")).doesNotContain("error");
        return s;
    }

    /** A browser with a cookie jar and no sign-in (an anonymous session starts at its first page). */
    public static BrowserSession anonymous(int port) {
        return new BrowserSession(port);
    }

    public HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Status and headers at once, the body as a stream (for event streams that do not end). */
    public HttpResponse<java.io.InputStream> sendStreaming(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}

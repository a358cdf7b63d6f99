package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON calls the way the pages' scripts make them: the session cookie of a form login plus the
 * CSRF token read from a page's {@code <meta name="_csrf">}.
 */
public final class SessionApi {

    private static final Pattern META_CSRF = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");

    private final BrowserSession session;
    private final int port;
    private final String csrf;

    private SessionApi(BrowserSession session, int port, String csrf) {
        this.session = session;
        this.port = port;
        this.csrf = csrf;
    }

    /** Signs in through the login form and reads the CSRF token from {@code page}. */
    public static SessionApi signIn(int port, String email, String password, String page) throws Exception {
        BrowserSession s = BrowserSession.signIn(port, email, password);
        HttpResponse<String> r = s.get(page);
        assertThat(r.statusCode()).as("GET " + page).isEqualTo(200);
        Matcher m = META_CSRF.matcher(r.body());
        assertThat(m.find()).as(page + " carries the CSRF token in a meta tag").isTrue();
        return new SessionApi(s, port, m.group(1));
    }

    public BrowserSession browser() {
        return session;
    }

    public String csrf() {
        return csrf;
    }

    /** A call with the session and its CSRF header; {@code json} may be null. */
    public HttpResponse<String> call(String method, String path, String json) throws Exception {
        return call(method, path, json, true);
    }

    public HttpResponse<String> call(String method, String path, String json, boolean withCsrf) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (withCsrf) {
            b.header("X-CSRF-TOKEN", csrf);
        }
        return session.send(b);
    }
}

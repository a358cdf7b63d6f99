package dev.renderbank.identity;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser-like client for the account forms: its own cookies, the form's CSRF token, no redirects followed. */
final class FormClient {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final HttpClient client =
            HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    private final int port;

    FormClient(int port) {
        this.port = port;
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String header, String value) throws Exception {
        return client.send(
                HttpRequest.newBuilder(uri(path)).header(header, value).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Opens {@code formPage} for its CSRF token, then posts {@code fields} (name, value, ...) to {@code action}. */
    HttpResponse<String> post(String formPage, String action, String... fields) throws Exception {
        return postWithHeader(formPage, action, null, null, fields);
    }

    HttpResponse<String> postWithHeader(String formPage, String action, String header, String value, String... fields)
            throws Exception {
        return postWithHeaderLines(formPage, action, header, value == null ? List.of() : List.of(value), fields);
    }

    /** {@link #postWithHeader} with the header sent once per value, each on its own line, in order. */
    HttpResponse<String> postWithHeaderLines(
            String formPage, String action, String header, List<String> values, String... fields) throws Exception {
        Matcher m = CSRF.matcher(get(formPage).body());
        if (!m.find()) {
            throw new AssertionError(formPage + " has no CSRF token");
        }
        StringBuilder form = new StringBuilder("_csrf=" + enc(m.group(1)));
        for (int i = 0; i < fields.length; i += 2) {
            form.append('&').append(enc(fields[i])).append('=').append(enc(fields[i + 1]));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        if (header != null) {
            values.forEach(v -> b.header(header, v));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Opens {@code formPage} for its CSRF token, then posts {@code encodedFields} as they are (already
     * URL-encoded, so they may carry bytes that are not UTF-8) after the token.
     */
    HttpResponse<String> postEncoded(String formPage, String action, String encodedFields) throws Exception {
        Matcher m = CSRF.matcher(get(formPage).body());
        if (!m.find()) {
            throw new AssertionError(formPage + " has no CSRF token");
        }
        HttpRequest post = HttpRequest.newBuilder(uri(action))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + enc(m.group(1)) + "&" + encodedFields))
                .build();
        return client.send(post, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Opens the login page now and returns the post of the form, to be sent later (by many clients
     * at one moment, say); the answer is the redirect's Location.
     */
    java.util.concurrent.Callable<String> signInLater(String email, String password) throws Exception {
        Matcher m = CSRF.matcher(get("/login").body());
        if (!m.find()) {
            throw new AssertionError("/login has no CSRF token");
        }
        String form = "_csrf=" + enc(m.group(1)) + "&username=" + enc(email) + "&password=" + enc(password);
        HttpRequest post = HttpRequest.newBuilder(uri("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return () -> location(client.send(post, HttpResponse.BodyHandlers.ofString()));
    }

    /** Posts the login form; the answer is a redirect whose Location tells how it went. */
    String signIn(String email, String password) throws Exception {
        return location(post("/login", "/login", "username", email, "password", password));
    }

    static String location(HttpResponse<?> r) {
        return r.headers().firstValue("Location").orElse("");
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

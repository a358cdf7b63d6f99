package dev.renderbank.identity;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests with the cookies the test names and no cookie store, as a script (or an attacker who
 * planted a cookie) sends them: nothing is kept between requests, redirects are not followed.
 */
final class RawForms {

    static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private static final Pattern FORM_CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern META_CSRF = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");

    private final HttpClient client = HttpClient.newHttpClient();
    private final int port;

    RawForms(int port) {
        this.port = port;
    }

    /** {@code cookies}: the Cookie header's value, or null for none. */
    HttpResponse<String> get(String path, String cookies) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Accept", BROWSER);
        if (cookies != null) {
            b.header("Cookie", cookies);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A form post; {@code fields} are name, value, ... (a null value leaves the field out). */
    HttpResponse<String> post(String path, String cookies, String... fields) throws Exception {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i + 1] != null) {
                form.append(form.isEmpty() ? "" : "&")
                        .append(enc(fields[i]))
                        .append('=')
                        .append(enc(fields[i + 1]));
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .header("Accept", BROWSER)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        if (cookies != null) {
            b.header("Cookie", cookies);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The hidden {@code _csrf} field of the page's (first) form. */
    static String formToken(HttpResponse<String> page) {
        Matcher m = FORM_CSRF.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError(page.uri() + " has no form with a CSRF token");
        }
        return m.group(1);
    }

    /** The {@code _csrf} meta tag of a signed-in page. */
    static String metaToken(HttpResponse<String> page) {
        Matcher m = META_CSRF.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError(page.uri() + " has no CSRF meta tag");
        }
        return m.group(1);
    }

    /** The whole Set-Cookie line for {@code name}, if the answer sets it. */
    static Optional<String> setCookie(HttpResponse<?> r, String name) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .findFirst();
    }

    /** {@code name=value} as set by the answer (for a Cookie header). */
    static String cookie(HttpResponse<?> r, String name) {
        return setCookie(r, name)
                .map(c -> c.split(";", 2)[0])
                .orElseThrow(() -> new AssertionError(r.uri() + " sets no " + name + " cookie"));
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

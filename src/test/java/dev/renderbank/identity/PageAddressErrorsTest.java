package dev.renderbank.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A page opened with an address or a form a person (or a stale bookmark) got wrong — a cursor that
 * was edited, a date or number that does not parse, a missing field, someone else's creation —
 * answers like a page: the HTML error page with the 4xx status and a message saying what was wrong,
 * never the problem+json body written for API clients, and nothing internal. The API and the JSON
 * routes keep their problem+json.
 */
class PageAddressErrorsTest extends IntegrationTest {

    static final String PASSWORD = "correct horse battery staple";
    static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @LocalServerPort
    int port;

    @Autowired
    Users users;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    @Test
    void aBadAddressOrFormOfAPageGetsTheErrorPageSayingWhatIsWrong() throws Exception {
        FormClient anon = new FormClient(port);
        FormClient user = signedIn(Role.USER);
        UserAccount admin =
                users.create("pages-admin-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.ADMIN, true);
        FormClient operator = new FormClient(port);
        assertThat(operator.signIn(admin.email(), PASSWORD)).doesNotContain("/login");
        String key = UUID.randomUUID().toString();
        List<String> wrong = new ArrayList<>();

        judge(wrong, "GET /login?locked=abc", anon.get("/login?locked=abc", "Accept", BROWSER), 400, "locked");
        // the error page's way on: "Sign in" for someone signed out, not for someone signed in
        assertThat(nextLinks(anon.get("/login?locked=abc", "Accept", BROWSER))).contains("Sign in");
        assertThat(nextLinks(user.get("/creations/nope", "Accept", BROWSER)))
                .contains("Home")
                .doesNotContain("Sign in");
        judge(wrong, "GET /account?history=abc", user.get("/account?history=abc", "Accept", BROWSER), 400, "cursor");
        judge(wrong, "GET /creations?cursor=abc", user.get("/creations?cursor=abc", "Accept", BROWSER), 400, "cursor");
        // a filter the page does not have is said, not silently dropped (the list looked filtered)
        judge(wrong, "GET /creations?type=audio", user.get("/creations?type=audio", "Accept", BROWSER), 400, "type");
        judge(
                wrong,
                "GET /creations?status=bogus",
                user.get("/creations?status=bogus", "Accept", BROWSER),
                400,
                "status");
        assertThat(user.get("/creations?type=&status=", "Accept", BROWSER).statusCode())
                .as("All (the filters sent empty)")
                .isEqualTo(200);
        judge(wrong, "GET /creations/nope", user.get("/creations/nope", "Accept", BROWSER), 404, null);
        judge(wrong, "GET /account/plans/x/cancel", user.get("/account/plans/x/cancel", "Accept", BROWSER), 404, null);
        judge(wrong, "POST /buy (no product)", user.post("/buy", "/buy"), 400, "product");
        judge(
                wrong,
                "GET /admin/mail?cursor=abc",
                operator.get("/admin/mail?cursor=abc", "Accept", BROWSER),
                400,
                "cursor");
        judge(
                wrong,
                "GET /admin/audit?from=bad",
                operator.get("/admin/audit?from=bad", "Accept", BROWSER),
                400,
                "from must be a date like");
        judge(
                wrong,
                "GET /admin/margins?from=bad",
                operator.get("/admin/margins?from=bad", "Accept", BROWSER),
                400,
                "from must be a date like");
        judge(
                wrong,
                "GET /admin/payments?status=zzz",
                operator.get("/admin/payments?status=zzz", "Accept", BROWSER),
                400,
                "status must be one of");
        judge(
                wrong,
                "GET /admin/jobs?olderThan=zzz",
                operator.get("/admin/jobs?olderThan=zzz", "Accept", BROWSER),
                400,
                "olderThan must be a duration");
        judge(
                wrong,
                "POST grant amount=abc",
                operator.post(
                        "/admin/users",
                        "/admin/users/" + admin.id() + "/grant",
                        "amount",
                        "abc",
                        "reason",
                        "a reason",
                        "idempotencyKey",
                        key),
                400,
                "amount");
        judge(
                wrong,
                "POST /admin/users/abc/grant",
                operator.post(
                        "/admin/users",
                        "/admin/users/abc/grant",
                        "amount",
                        "5",
                        "reason",
                        "a reason",
                        "idempotencyKey",
                        key),
                400,
                "id");
        assertThat(wrong).as("pages answered wrongly").isEmpty();
    }

    /**
     * A lookup of nothing but control characters (a pasted NUL, say) finds no user; it is not
     * answered with a 400 carrying Java's number parser's message ("For input string").
     */
    @Test
    void aUserLookupOfControlCharactersFindsNoUserAndShowsNothingInternal() throws Exception {
        FormClient operator = signedIn(Role.ADMIN);
        List<String> wrong = new ArrayList<>();
        for (String q : List.of("%00", "%01%02", "%00%20%00")) {
            HttpResponse<String> page = operator.get("/admin/users?q=" + q, "Accept", BROWSER);
            if (page.statusCode() != 200
                    || !page.body().contains("No user")
                    || page.body().contains("For input")) {
                wrong.add("page " + q + " -> " + page.statusCode() + " "
                        + page.body().substring(0, Math.min(200, page.body().length())));
            }
            HttpResponse<String> api = operator.get("/api/v1/admin/users?email=" + q, "Accept", "application/json");
            if (api.statusCode() != 404 || api.body().contains("For input")) {
                wrong.add("api " + q + " -> " + api.statusCode() + " " + api.body());
            }
        }
        assertThat(wrong).as("lookups answered wrongly").isEmpty();
    }

    /** The sign-in page's "try again in ..." of an edited, huge wait is a long wait, not a negative one. */
    @Test
    void aHugeLockedWaitInTheSignInAddressIsNotShownAsANegativeTime() throws Exception {
        FormClient anon = new FormClient(port);
        for (long seconds : List.of(Long.MAX_VALUE, Long.MAX_VALUE - 30, 4_000_000_000_000_000_000L)) {
            HttpResponse<String> page = anon.get("/login?locked=" + seconds, "Accept", BROWSER);
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).as("locked=" + seconds).doesNotContainPattern(">[^<]*-[0-9]+ (minute|second)");
            assertThat(page.body()).containsPattern("Try again in <span>[1-9][0-9]* (minute|hour|day|second)");
        }
    }

    /**
     * A page that fails on our side (here: the simulated checkout page, whose table has lost a column
     * it reads, as after a botched manual change) shows the HTML error page with a 500, a reference
     * to quote and nothing internal, not the API's problem+json. (A checkout naming a product the
     * catalogue no longer has was this test's failure once; it is now a 410, SimulatedCheckoutTest.)
     */
    @Test
    void aPageThatFailsOnOurSideShowsTheErrorPageWithAReference() throws Exception {
        String email = "pages-" + UUID.randomUUID() + "@test.local";
        UserAccount owner = users.create(email, PASSWORD, Role.USER, true);
        FormClient browser = new FormClient(port);
        assertThat(browser.signIn(email, PASSWORD)).doesNotContain("/login");
        String checkout = "chk_retired_" + UUID.randomUUID().toString().substring(0, 8);
        jdbc.sql("""
                        insert into billing_checkout (id, user_id, product, provider, idempotency_key, status, created_at)
                        values (:id, :user, 'pack-200', 'simulated', :key, 'PENDING', now())""")
                .param("id", checkout)
                .param("user", owner.id())
                .param("key", checkout)
                .update();

        HttpResponse<String> page;
        jdbc.sql("alter table billing_checkout rename column product to product_lost")
                .update();
        try {
            page = browser.get("/checkout/simulated/" + checkout, "Accept", BROWSER);
        } finally {
            jdbc.sql("alter table billing_checkout rename column product_lost to product")
                    .update();
        }

        assertThat(page.statusCode()).isEqualTo(500);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body())
                .contains("role=\"alert\"")
                .contains("Something went wrong on our side")
                .containsPattern("Reference <[^>]*>[0-9a-f]{8}<")
                .doesNotContain("product_lost")
                .doesNotContain("Exception");
    }

    /**
     * Refusals that come before any page's handler runs give a browser the HTML error page with
     * the same 4xx, like every other refused page address: an address Spring Security's firewall
     * refuses (a ';', an encoded line break), a method the page does not take (405), a form declared
     * multipart without a boundary. Clients that do not ask for HTML, and every {@code /api/} path,
     * keep problem+json.
     */
    @Test
    void refusalsBeforeAnyPageHandlerGiveABrowserTheErrorPage() throws Exception {
        FormClient user = signedIn(Role.USER);
        FormClient anon = new FormClient(port);
        List<String> wrong = new ArrayList<>();
        judge(wrong, "GET /creations/a%0Ab", user.get("/creations/a%0Ab", "Accept", BROWSER), 400, "address");
        judge(wrong, "GET /creations/a;b", user.get("/creations/a;b", "Accept", BROWSER), 400, "address");
        judge(
                wrong,
                "GET /account/plans/a;b/cancel",
                user.get("/account/plans/a;b/cancel", "Accept", BROWSER),
                400,
                "address");
        HttpResponse<String> notTaken = anon.get("/signup/resend", "Accept", BROWSER);
        judge(wrong, "GET /signup/resend", notTaken, 405, "does not take a GET");
        assertThat(notTaken.headers().firstValue("Allow"))
                .as("405 names the methods")
                .hasValue("POST");
        judge(wrong, "POST multipart /login", multipartWithoutBoundary("/login", BROWSER), 400, null);
        assertThat(wrong).as("browsers answered wrongly").isEmpty();

        for (String accept : new String[] {"application/json", "*/*"}) {
            List<HttpResponse<String>> api = List.of(
                    user.get("/creations/a;b", "Accept", accept),
                    user.get("/api/v1/generations/a;b", "Accept", BROWSER),
                    anon.get("/signup/resend", "Accept", accept),
                    multipartWithoutBoundary("/login", accept));
            for (HttpResponse<String> r : api) {
                assertThat(r.statusCode()).as(r.uri() + " " + accept).isBetween(400, 499);
                assertThat(r.headers().firstValue("Content-Type").orElse(""))
                        .as(r.uri() + " " + accept + ": " + r.body())
                        .startsWith("application/problem+json");
            }
        }
    }

    /**
     * Addresses Tomcat itself refuses, before any filter or page handler runs (a malformed {@code %}
     * escape, an encoded NUL, encoded bytes that are not UTF-8, an encoded slash), give a browser the
     * HTML error page with the same 400 too, saying the address is not valid and naming nothing
     * internal. Clients that do not ask for HTML, and every {@code /api/} path, keep problem+json.
     * Raw bytes that are not UTF-8 in the request line (which browsers never send: they escape them)
     * are refused before any header is read, so there is no Accept to go by: a 400 problem+json for
     * everyone, never a 500. Sent over a raw socket: HTTP clients refuse to send such addresses.
     */
    @Test
    void addressesTomcatRefusesGiveABrowserTheErrorPageToo() throws Exception {
        String notUtf8 = new String(
                new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xC3, 0x28}, java.nio.charset.StandardCharsets.ISO_8859_1);
        List<String> refused =
                List.of("/creations/%zz", "/creations/a%00b", "/creations/%FF%FE%C3%28", "/creations/..%2F..%2Fetc");
        List<String> wrong = new ArrayList<>();
        for (String path : refused) {
            String page = rawGet(path, BROWSER);
            String lower = page.toLowerCase(java.util.Locale.ROOT);
            if (!page.startsWith("HTTP/1.1 400")
                    || !lower.contains("content-type: text/html")
                    || !page.contains("role=\"alert\"")
                    || !page.contains("address")
                    || lower.contains("tomcat")
                    || page.contains("Exception")) {
                wrong.add("browser " + path + " -> " + page.substring(0, Math.min(400, page.length())));
            }
            for (String accept : new String[] {null, "application/json", "*/*"}) {
                String answer = rawGet(path, accept);
                if (!answer.startsWith("HTTP/1.1 400")
                        || !answer.toLowerCase(java.util.Locale.ROOT)
                                .contains("content-type: application/problem+json")) {
                    wrong.add(accept + " " + path + " -> " + answer.substring(0, Math.min(300, answer.length())));
                }
            }
        }
        for (String problemOnly : List.of(
                "/api/v1/generations/%zz",
                "/api/v1/generations/%FF%FE%C3%28", "/api/v1/generations/" + notUtf8, "/creations/" + notUtf8)) {
            String answer = rawGet(problemOnly, BROWSER);
            if (!answer.startsWith("HTTP/1.1 400")
                    || !answer.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/problem+json")) {
                wrong.add("browser " + problemOnly + " -> " + answer.substring(0, Math.min(300, answer.length())));
            }
        }
        assertThat(wrong).as("addresses Tomcat refuses").isEmpty();
    }

    /**
     * A malformed {@code %} escape in a page's query string (Tomcat parses the query only when a
     * parameter is first read, inside the application) shows the error page with a 400, not a 500
     * or problem+json.
     */
    @Test
    void aMalformedEscapeInAPagesQueryShowsTheErrorPage() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String path :
                List.of("/login?locked=%zz", "/signup?ref=%zz", "/login?a=%%%", "/password/reset?token=%zz")) {
            String page = rawGet(path, BROWSER);
            if (!page.startsWith("HTTP/1.1 400")
                    || !page.toLowerCase(java.util.Locale.ROOT).contains("content-type: text/html")
                    || !page.contains("role=\"alert\"")
                    || page.contains("Exception")) {
                wrong.add(path + " -> " + page.substring(0, Math.min(400, page.length())));
            }
        }
        assertThat(wrong).as("pages answered wrongly").isEmpty();
    }

    private String rawGet(String path, String accept) throws Exception {
        String request = "GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n"
                + (accept != null ? "Accept: " + accept + "\r\n" : "") + "Connection: close\r\n\r\n";
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private HttpResponse<String> multipartWithoutBoundary(String path, String accept) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path))
                                .header("Content-Type", "multipart/form-data")
                                .header("Accept", accept)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("garbage"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiAndTheJsonRoutesKeepTheirProblemJson() throws Exception {
        FormClient user = signedIn(Role.USER);
        for (String path : List.of("/api/v1/generations?cursor=abc", "/api/v1/credits/history?cursor=abc")) {
            HttpResponse<String> r = user.get(path, "Accept", BROWSER);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse(""))
                    .as(path)
                    .startsWith("application/problem+json");
        }
    }

    private static void judge(List<String> wrong, String what, HttpResponse<String> r, int status, String says) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        String body = r.body();
        String seen = what + " -> " + r.statusCode() + " " + type + " "
                + body.substring(0, Math.min(160, body.length())).replaceAll("\\s+", " ");
        if (r.statusCode() != status || !type.startsWith("text/html")) {
            wrong.add(seen);
        } else if (!body.contains("role=\"alert\"") || (says != null && !body.contains(says))) {
            wrong.add("no clear message: " + seen);
        } else if (body.contains("Exception") || body.contains("Whitelabel") || body.contains("For input string")) {
            wrong.add("leaks internals: " + seen);
        }
    }

    private static String nextLinks(HttpResponse<String> page) {
        String body = page.body();
        int at = body.indexOf("id=\"next\"");
        assertThat(at).as("the error page's links").isNotNegative();
        return body.substring(at, body.indexOf("</p>", at));
    }

    private FormClient signedIn(Role role) throws Exception {
        String email = "pages-" + UUID.randomUUID() + "@test.local";
        users.create(email, PASSWORD, role, true);
        FormClient browser = new FormClient(port);
        assertThat(browser.signIn(email, PASSWORD)).doesNotContain("/login");
        return browser;
    }
}

package dev.renderbank.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.SessionApi;
import dev.renderbank.support.TestUsers;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** "Download my data": the caller's profile, jobs, credit history and purchases, and nobody else's. */
class DataExportTest extends IntegrationTest {

    static final String IMAGE = "{\"model\":\"nano-banana\",\"prompt\":\"%s\"}";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers testUsers;

    @Test
    void theExportHoldsTheCallersDataAndNothingOfAnotherUser() throws Exception {
        Api api = new Api(port);
        TestUsers.TestUser me = testUsers.create(40);
        TestUsers.TestUser other = testUsers.create(70);
        String myJob = api.post("/api/v1/generate-image", me.token(), IMAGE.formatted("my lighthouse"))
                .json()
                .get("taskId")
                .asString();
        String theirJob = api.post("/api/v1/generate-image", other.token(), IMAGE.formatted("their castle"))
                .json()
                .get("taskId")
                .asString();

        SessionApi session = SessionApi.signIn(port, me.email(), "correct horse battery staple", "/account/delete");
        HttpResponse<String> r = session.browser().get("/account/export");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                .startsWith("attachment")
                .contains(".json");
        JsonNode export = JsonMapper.builder().build().readTree(r.body());
        assertThat(export.get("profile").get("email").asString()).isEqualTo(me.email());
        assertThat(export.get("profile").get("id").asLong()).isEqualTo(me.id());
        assertThat(export.get("jobs")).hasSize(1);
        assertThat(export.get("jobs").get(0).get("id").asString()).isEqualTo(myJob);
        assertThat(export.get("ledger").toString()).contains("test-grant:" + me.id());
        assertThat(export.get("credits").get("balance").asLong()).isEqualTo(40);
        assertThat(export.has("purchases")).isTrue();
        assertThat(export.get("apiTokens")).hasSize(1);
        assertThat(r.body())
                .doesNotContain(other.email())
                .doesNotContain(theirJob)
                .doesNotContain("test-grant:" + other.id())
                .doesNotContain(me.token());
    }

    @Autowired
    dev.renderbank.billing.Billing billing;

    @Autowired
    dev.renderbank.notify.Notifier notifier;

    @Autowired
    dev.renderbank.identity.Users users;

    /**
     * What /account/delete says it deletes is in the export: each job's prompt and options, the
     * webhook endpoints (never their secrets), the plans and the notification settings and time zone.
     */
    @Test
    void theExportHoldsPromptsWebhookEndpointsPlansAndSettings() throws Exception {
        Api api = new Api(port);
        TestUsers.TestUser me = testUsers.create(40);
        String job = api.post(
                        "/api/v1/generate-image",
                        me.token(),
                        "{\"model\":\"nano-banana\",\"prompt\":\"my lighthouse\",\"outputFormat\":\"jpeg\"}")
                .json()
                .get("taskId")
                .asString();
        Api.Response hook = api.post(
                "/api/v1/webhook-endpoints",
                me.token(),
                "{\"url\":\"http://127.0.0.1:9/my-hook\",\"events\":[\"generation.completed\"]}");
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        String secret = hook.json().get("secret").asString();
        notifier.changeSettings(me.id(), false, 7L);
        users.changeTimeZone(me.id(), "Europe/Berlin");
        SessionApi session = SessionApi.signIn(port, me.email(), "correct horse battery staple", "/account/delete");
        buyPlan(session.browser(), me.id());

        HttpResponse<String> r = session.browser().get("/account/export");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode export = JsonMapper.builder().build().readTree(r.body());
        JsonNode exported = export.get("jobs").get(0);
        assertThat(exported.get("id").asString()).isEqualTo(job);
        assertThat(exported.get("prompt").asString()).isEqualTo("my lighthouse");
        assertThat(exported.get("options").get("outputFormat").asString()).isEqualTo("jpeg");
        assertThat(exported.has("createdAt")).isTrue();
        assertThat(exported.has("creditsCharged")).isTrue();
        JsonNode endpoint = export.get("webhookEndpoints").get(0);
        assertThat(endpoint.get("url").asString()).isEqualTo("http://127.0.0.1:9/my-hook");
        assertThat(endpoint.get("events").get(0).asString()).isEqualTo("generation.completed");
        assertThat(endpoint.get("createdAt").isNull()).isFalse();
        assertThat(r.body()).doesNotContain(secret).doesNotContain("whsec_");
        JsonNode plan = export.get("subscriptions").get(0);
        assertThat(plan.get("plan").asString()).isEqualTo("pro-monthly");
        assertThat(plan.get("status").asString()).isNotBlank();
        assertThat(plan.has("periodEnd")).isTrue();
        JsonNode settings = export.get("settings");
        assertThat(settings.get("timeZone").asString()).isEqualTo("Europe/Berlin");
        assertThat(settings.get("generationEmails").asBoolean()).isFalse();
        assertThat(settings.get("creditsLowThreshold").asLong()).isEqualTo(7);
    }

    private static final java.util.regex.Pattern CSRF =
            java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    /** Buys a plan through the simulated checkout, as the browser would. */
    private void buyPlan(dev.renderbank.support.BrowserSession browser, long userId) throws Exception {
        var result = billing.checkout(userId, "pro-monthly", "export-plan-" + userId);
        String url = ((dev.renderbank.billing.CheckoutResult.Created) result).url();
        String checkout = url.replaceFirst("^https?://[^/]+", "");
        String pay = browser.get(checkout).body();
        java.util.regex.Matcher m = CSRF.matcher(pay);
        assertThat(m.find()).as("CSRF token in %s", pay).isTrue();
        String answer = browser.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("http://localhost:" + port + checkout + "/pay"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("_csrf="
                                + java.net.URLEncoder.encode(m.group(1), java.nio.charset.StandardCharsets.UTF_8))))
                .body();
        assertThat(answer).contains("Payment received");
        assertThat(billing.subscriptions(userId)).hasSize(1);
    }

    @Autowired
    dev.renderbank.ledger.Ledger ledger;

    @Autowired
    javax.sql.DataSource dataSource;

    /**
     * Memory does not grow with the account's history: the export is written page by page as it is
     * read, so its first part reaches the client while the credit history has not been read at all
     * (here: while the ledger table is locked), and the whole of a long history (many pages) arrives,
     * complete and in order, once it can be read.
     */
    @Test
    void theExportIsStreamedPageByPageAndHoldsAllOfALongHistory() throws Exception {
        TestUsers.TestUser me = testUsers.create(0);
        int grants = 1_500; // several ledger pages
        for (int i = 0; i < grants; i++) {
            ledger.grant(
                    me.id(), 1, dev.renderbank.ledger.GrantSource.ADMIN, "many:" + me.id() + ":" + i, null, "row " + i);
        }
        dev.renderbank.support.BrowserSession browser =
                dev.renderbank.support.BrowserSession.signIn(port, me.email(), "correct horse battery staple");

        java.io.InputStream body;
        StringBuilder got = new StringBuilder();
        try (java.sql.Connection locker = dataSource.getConnection()) {
            locker.setAutoCommit(false);
            try (var st = locker.createStatement()) {
                st.execute("lock table ledger_entry in access exclusive mode");
            }
            var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return browser.sendStreaming(java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create("http://localhost:" + port + "/account/export"))
                            .GET());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // the profile and credits arrive although the history cannot be read yet
            HttpResponse<java.io.InputStream> r = answer.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            body = r.body();
            byte[] chunk = new byte[256];
            while (got.indexOf("\"credits\"") < 0) {
                int n = body.read(chunk);
                assertThat(n).as("the export ended early: %s", got).isPositive();
                got.append(new String(chunk, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(got.toString()).contains(me.email()).doesNotContain("\"ledger\":[{");
            locker.rollback();
        }
        got.append(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        JsonNode export = JsonMapper.builder().build().readTree(got.toString());
        JsonNode entries = export.get("ledger");
        assertThat(entries).hasSize(grants);
        assertThat(export.get("credits").get("balance").asLong()).isEqualTo(grants);
        java.util.Set<String> keys = new java.util.HashSet<>();
        entries.forEach(e -> keys.add(e.toString()));
        assertThat(keys).as("no entry twice across pages").hasSize(entries.size());
    }
}

package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.OpenedCheckouts;
import dev.renderbank.support.SignInForm;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Acknowledging a finding over the API and on the page: audited with a reason, listed on request, not
 * counted; a repairable finding is refused (its repair records it once). The planted job is removed at
 * the end, and the paid checkout repaired, so the database is left clean.
 */
class ReconcileAcknowledgePagesTest extends ReconcileIntegrationTest {

    @Test
    void anOperatorAcknowledgesOverTheApiAndARepairableFindingIsRefused() throws Exception {
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount owner = user("owner-");
        String job = plantLostAsset(owner);
        UserAccount buyer = user("buyer-");
        String sessionId = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
        OpenedCheckouts.stripe(jdbc, buyer.id(), "pack-200", sessionId, clock.instant());
        String session = """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
                 "amount_total":990,"currency":"usd","client_reference_id":"%d","created":%d,
                 "customer_details":{"email":"buyer@example.com"},"payment_intent":"pi_%s",
                 "metadata":{"userId":"%d","product":"pack-200"}}""".formatted(sessionId, buyer.id(), clock.instant().getEpochSecond(), sessionId, buyer.id());
        stubStripe(List.of(session), List.of(), List.of(), List.of());
        try {
            JsonNode findings = findings(admin);
            long lost = idOf(findings, "JOB_ASSET_MISSING", "job:" + job);
            long paid = idOf(findings, "PAID_NOT_RECORDED", "stripe:checkout.session:" + sessionId);

            var noReason = AdminSupport.call(port, "POST", ackPath(lost), admin.token(), "{}", key("a0"));
            assertThat(noReason.statusCode()).isEqualTo(400);
            var refused = AdminSupport.call(
                    port, "POST", ackPath(paid), admin.token(), "{\"reason\":\"granted by hand\"}", key("a1"));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
            assertThat(refused.body()).contains("finding-repairable", "repair it instead");

            var acknowledged = AdminSupport.call(
                    port,
                    "POST",
                    ackPath(lost),
                    admin.token(),
                    "{\"reason\":\"the file is lost; told the user\"}",
                    key("a2"));
            assertThat(acknowledged.statusCode()).as(acknowledged.body()).isEqualTo(200);
            JsonNode record = JSON.readTree(acknowledged.body());
            assertThat(record.path("action").asString()).isEqualTo("reconcile-acknowledge");
            assertThat(record.path("reason").asString()).isEqualTo("the file is lost; told the user");

            JsonNode latest = latest(admin, "");
            assertThat(latest.path("acknowledged").asInt()).isEqualTo(1);
            assertThat(latest.path("findings").toString()).doesNotContain("job:" + job);
            JsonNode only = latest(admin, "?acknowledged=only");
            assertThat(only.path("findings")).hasSize(1);
            assertThat(only.path("findings").get(0).path("acknowledgedBy").asLong())
                    .isEqualTo(record.path("id").asLong());
            assertThat(latest(admin, "?acknowledged=include").path("findings").toString())
                    .contains("job:" + job, sessionId);
            var bad = AdminSupport.call(
                    port, "GET", "/api/v1/admin/reconciliations/latest?acknowledged=yes", admin.token(), null, null);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("exclude, include or only");

            JsonNode next = findings(admin);
            assertThat(next.toString()).as("a later run: not counted").doesNotContain("job:" + job);
            repaired(
                    admin,
                    JSON.readTree(
                            "{\"id\":" + idOf(next, "PAID_NOT_RECORDED", "stripe:checkout.session:" + sessionId) + "}"),
                    "webhook lost");
        } finally {
            unplant(job);
        }
        assertThat(cli("reconcile")).as("left clean").isEqualTo(0);
    }

    @Test
    void anOperatorAcknowledgesWithTheButtonAndFindsItUnderAcknowledged() throws Exception {
        dev.renderbank.support.Chromium.assumeInstalled();
        String adminEmail = "ops-ack-" + UUID.randomUUID() + "@test.local";
        users.create(adminEmail, "correct horse battery staple", Role.ADMIN, true);
        String job = plantLostAsset(user("owner-"));
        java.nio.file.Path shots = java.nio.file.Files.createDirectories(java.nio.file.Path.of("docs/screenshots"));
        try (var playwright = dev.renderbank.support.Chromium.playwright();
                var browser = dev.renderbank.support.Chromium.launch(playwright);
                var context = browser.newContext(
                        new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1200, 900))) {
            var page = context.newPage();
            page.navigate("http://localhost:" + port + "/admin/reconciliation");
            SignInForm.submit(page, adminEmail, "correct horse battery staple");
            page.navigate("http://localhost:" + port + "/admin/reconciliation");
            page.click("text=Run now");
            var row = page.locator(
                    "#findings tr", new com.microsoft.playwright.Page.LocatorOptions().setHasText("job:" + job));
            row.locator("input[name=reason]").fill("the file is lost; told the user");
            page.screenshot(new com.microsoft.playwright.Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-reconciliation-acknowledge.png"))
                    .setFullPage(true));
            row.locator("text=Acknowledge").click();
            assertThat(page.locator("#flash").textContent()).contains("acknowledged");
            assertThat(page.locator("#findings").textContent()).doesNotContain("job:" + job);
            assertThat(page.locator("#reconciliation-acknowledged").textContent())
                    .contains("1 acknowledged");
            page.click("#findings-filter >> text=acknowledged (1)");
            assertThat(page.locator("#findings").textContent()).contains("job:" + job, "acknowledged 20");
        } finally {
            unplant(job);
        }
        assertThat(cli("reconcile")).as("left clean").isEqualTo(0);
    }

    private UserAccount user(String prefix) {
        return users.create(prefix + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
    }

    private static String ackPath(long findingId) {
        return "/api/v1/admin/reconciliations/findings/" + findingId + "/acknowledge";
    }

    private JsonNode latest(AdminSupport.Admin admin, String query) {
        return JSON.readTree(AdminSupport.call(
                        port, "GET", "/api/v1/admin/reconciliations/latest" + query, admin.token(), null, null)
                .body());
    }

    private static long idOf(JsonNode findings, String kind, String subject) {
        for (JsonNode f : findings) {
            if (f.path("kind").asString().equals(kind)
                    && f.path("subject").asString().equals(subject)) {
                return f.path("id").asLong();
            }
        }
        throw new AssertionError("no " + kind + " of " + subject + " in " + findings);
    }

    /**
     * A late delivery (free, so no capture is due) of half an hour ago whose file is lost: nothing
     * repairs that. (No ledger entry is planted: entries cannot be deleted afterwards.)
     */
    private String plantLostAsset(UserAccount owner) {
        String job = "job-ack-" + UUID.randomUUID();
        Instant at = clock.instant().minus(Duration.ofMinutes(30));
        jdbc.sql("""
                        insert into generation_job (id, user_id, type, model, prompt, options, provider_model,
                                                    provider_input, price, state, provider_task_id, callback_token,
                                                    created_at, updated_at, completed_at, deadline_at, late_delivery)
                        values (?, ?, 'IMAGE', 'nano-banana', 'planted', '{}', 'google/nano-banana', '{}', 10,
                                'SUCCEEDED', null, 'token', ?, ?, ?, ?, true)""")
                .params(job, owner.id(), Timestamp.from(at), Timestamp.from(at), Timestamp.from(at), Timestamp.from(at))
                .update();
        return job;
    }

    private void unplant(String job) {
        jdbc.sql("delete from generation_job where id = ?").param(job).update();
    }
}

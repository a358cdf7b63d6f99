package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.OpenedCheckouts;
import dev.renderbank.support.SignInForm;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An operator who "made up" a lost purchase by a grant would have the pack granted twice by its repair
 * (the grant is keyed by its own action, the repair by the purchase): the finding's row on the page
 * shows the buyer's operator grants since the payment under its "Repair" button. A finding whose
 * buyer got none shows nothing.
 */
class ReconcileGrantWarningTest extends ReconcileIntegrationTest {

    @Test
    void aLostPurchaseWhoseBuyerWasGrantedCreditsSinceShowsTheGrantBesideItsRepair() throws Exception {
        dev.renderbank.support.Chromium.assumeInstalled();
        AdminSupport.Admin admin = admins.newAdmin();
        UserAccount compensated = buyer();
        UserAccount other = buyer();
        String compensatedSession = paidSession(compensated);
        String otherSession = paidSession(other);
        stubStripe(
                List.of(session(compensatedSession, compensated), session(otherSession, other)),
                List.of(),
                List.of(),
                List.of());
        var granted = AdminSupport.call(
                port,
                "POST",
                "/api/v1/admin/users/" + compensated.id() + "/grants",
                admin.token(),
                "{\"amount\":200,\"reason\":\"lost purchase\",\"notify\":false}",
                key("grant"));
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(201);
        long grantId = JSON.readTree(granted.body()).path("id").asLong();

        java.nio.file.Path shots = java.nio.file.Files.createDirectories(java.nio.file.Path.of("docs/screenshots"));
        try (var playwright = dev.renderbank.support.Chromium.playwright();
                var browser = dev.renderbank.support.Chromium.launch(playwright);
                var context = browser.newContext(
                        new com.microsoft.playwright.Browser.NewContextOptions().setViewportSize(1200, 900))) {
            var page = context.newPage();
            page.navigate("http://localhost:" + port + "/admin/reconciliation");
            SignInForm.submit(page, admin.email(), "correct horse battery staple");
            page.navigate("http://localhost:" + port + "/admin/reconciliation");
            page.click("text=Run now");
            var rows = page.locator("#findings tbody tr[id^=finding-]");
            var warned =
                    rows.filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText(compensatedSession));
            var unwarned = rows.filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText(otherSession));
            String warnedId = warned.getAttribute("id").substring("finding-".length());
            String unwarnedId = unwarned.getAttribute("id").substring("finding-".length());
            assertThat(page.locator("#grants-since-" + warnedId).textContent())
                    .contains("operator grants since this payment", "200 credits (#" + grantId, "lost purchase")
                    .contains("repairing grants the purchase as well");
            assertThat(page.locator("#grants-since-" + unwarnedId).count()).isZero();
            page.screenshot(new com.microsoft.playwright.Page.ScreenshotOptions()
                    .setPath(shots.resolve("admin-reconciliation-grant-warning.png"))
                    .setFullPage(true));
        }
        // left clean: both purchases recorded by their repairs (the compensated buyer now has the pack twice)
        for (var f : findings(admin)) {
            repaired(admin, f, "webhook lost");
        }
        assertThat(ledger.balance(compensated.id()).available()).isEqualTo(400);
        assertThat(cli("reconcile")).isEqualTo(0);
    }

    private UserAccount buyer() {
        return users.create("buyer-" + UUID.randomUUID() + "@test.local", "a-long-password-123", Role.USER, true);
    }

    private String paidSession(UserAccount buyer) {
        String id = "cs_test_" + UUID.randomUUID().toString().replace("-", "");
        OpenedCheckouts.stripe(jdbc, buyer.id(), "pack-200", id, clock.instant());
        return id;
    }

    private String session(String id, UserAccount buyer) {
        return """
                {"id":"%s","object":"checkout.session","mode":"payment","status":"complete","payment_status":"paid",
                 "amount_total":990,"currency":"usd","client_reference_id":"%d","created":%d,
                 "customer_details":{"email":"buyer@example.com"},"payment_intent":"pi_%s",
                 "metadata":{"userId":"%d","product":"pack-200"}}""".formatted(id, buyer.id(), clock.instant().getEpochSecond() - 60, id, buyer.id());
    }
}

package dev.renderbank.account;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.renderbank.identity.Users;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserTest;
import dev.renderbank.support.SignInForm;
import dev.renderbank.support.TestUsers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * A button that removes its own row (Revoke a token, Delete a file) leaves the focus somewhere sensible
 * and says what happened: focus went to the page's start (the button was gone), and a screen reader
 * heard nothing. Row buttons name their row ("Revoke the token ci", "Delete the file of nano-banana"),
 * as the buy page's do.
 */
@TestPropertySource(properties = {"renderbank.simulator.image-duration=1s", "renderbank.limits.cooldown.image=0"})
class FocusAfterRemovalBrowserTest extends BrowserTest {

    static final String PASSWORD = "correct horse battery staple";

    @Autowired
    TestUsers testUsers;

    @Autowired
    Users users;

    @Test
    void revokingATokenFocusesTheNextRowAndSaysSo() {
        TestUsers.TestUser user = testUsers.create(0); // has the token "test"
        users.issueToken(user.id(), "ci");
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            page.onDialog(d -> d.accept());
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/account/tokens"));
            page.getByRole(
                            com.microsoft.playwright.options.AriaRole.BUTTON,
                            new Page.GetByRoleOptions().setName("Revoke the token ci"))
                    .click();
            assertThat(page.locator("#token-message")).hasText("The token \"ci\" is revoked.");
            assertThat(page.locator("button[aria-label='Revoke the token test']"))
                    .isFocused();

            page.locator("button[aria-label='Revoke the token test']").click();
            assertThat(page.locator("#no-tokens")).isVisible();
            assertThat(page.locator("#token-message")).isFocused();
        }
    }

    @Test
    void deletingAFileFocusesItsCardAndSaysSo() {
        TestUsers.TestUser user = testUsers.create(100);
        Api api = new Api(port);
        Api.Response accepted = api.post(
                "/api/v1/generate-image", user.token(), "{\"model\":\"nano-banana\",\"prompt\":\"a red kite\"}");
        String taskId = accepted.json().get("taskId").asString();
        assertThat(api.awaitTerminal(taskId, user.token()).get("status").asString())
                .isEqualTo("completed");
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            page.onDialog(d -> d.accept());
            SignInForm.signIn(page, port, user.email(), PASSWORD);
            page.navigate(url("/creations"));
            Locator card = page.locator("#card-" + taskId);
            card.locator("button[aria-label='Delete the file of nano-banana']").click();
            assertThat(page.locator("#action-message")).hasText("The file was deleted.");
            assertThat(card.locator("a.title")).isFocused();
        }
    }
}

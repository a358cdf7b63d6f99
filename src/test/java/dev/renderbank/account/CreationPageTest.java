package dev.renderbank.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.Api;
import dev.renderbank.support.BrowserSession;
import dev.renderbank.support.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The page the "your generation is ready" email links to: the result, to its owner only. */
class CreationPageTest extends IntegrationTest {

    static final String PASSWORD = "a-long-password-123";

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @LocalServerPort
    int port;

    private UserAccount userWithCredits() {
        UserAccount u = users.create("creation-" + UUID.randomUUID() + "@test.local", PASSWORD, Role.USER, true);
        ledger.grant(u.id(), 100, GrantSource.ADMIN, "creation-page:" + u.id(), null, "test");
        return u;
    }

    @Test
    void theOwnerSeesTheFinishedImageAndOthersGetA404() throws Exception {
        UserAccount owner = userWithCredits();
        String token = users.issueToken(owner.id(), "t");
        Api api = new Api(port);
        Api.Response accepted = api.post(
                "/api/v1/generate-image", token, "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk\"}");
        assertThat(accepted.status()).isEqualTo(202);
        String taskId = accepted.json().get("taskId").asString();
        JsonNode done = api.awaitTerminal(taskId, token);
        assertThat(done.get("status").asString()).isEqualTo("completed");

        HttpResponse<String> page =
                BrowserSession.signIn(port, owner.email(), PASSWORD).get("/creations/" + taskId);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("nano-banana")
                .contains("Ready")
                .contains("5 charged")
                .contains("src=\"" + done.get("assetUrl").asString() + "\"")
                .doesNotContain("http-equiv=\"refresh\"");
        // the Download link suggests the name the download is saved under: the asset id and its extension
        String assetUrl = done.get("assetUrl").asString();
        String fileName = assetUrl.substring(assetUrl.lastIndexOf('/') + 1) + ".png";
        assertThat(page.body()).contains("download=\"" + fileName + "\"");
        assertThat(BrowserSession.signIn(port, owner.email(), PASSWORD)
                        .get("/creations")
                        .body())
                .as("the creations gallery's link too")
                .contains("download=\"" + fileName + "\"");
        assertThat(api.get(assetUrl, token).header("Content-Disposition")).contains("filename=\"" + fileName + "\"");

        UserAccount stranger = userWithCredits();
        assertThat(BrowserSession.signIn(port, stranger.email(), PASSWORD)
                        .get("/creations/" + taskId)
                        .statusCode())
                .isEqualTo(404);
        assertThat(api.get("/creations/" + taskId, null).status()).isEqualTo(302); // sign in first
    }

    /**
     * What was asked is on the creation's page (the whole prompt, as text) and, cut short, on its card
     * in the gallery: before, "try again" resent a prompt its owner could not see.
     */
    @Test
    void theCreationPageAndTheGalleryShowThePromptAndOptionsAsText() throws Exception {
        UserAccount owner = userWithCredits();
        String token = users.issueToken(owner.id(), "t");
        Api api = new Api(port);
        String longTail = "x".repeat(600);
        Api.Response accepted = api.post(
                "/api/v1/generate-image",
                token,
                "{\"model\":\"nano-banana\",\"prompt\":\"a <script>alert(1)</script> lighthouse " + longTail
                        + "\",\"outputFormat\":\"jpeg\",\"imageUrls\":[\"https://cdn.example.com/ref.png\"]}");
        assertThat(accepted.status()).isEqualTo(202);
        String taskId = accepted.json().get("taskId").asString();
        BrowserSession session = BrowserSession.signIn(port, owner.email(), PASSWORD);

        String page = session.get("/creations/" + taskId).body();
        assertThat(page)
                .contains("a &lt;script&gt;alert(1)&lt;/script&gt; lighthouse " + longTail)
                .doesNotContain("<script>alert(1)")
                .contains("1K")
                .contains("jpeg")
                .contains("https://cdn.example.com/ref.png");

        String gallery = session.get("/creations").body();
        assertThat(gallery)
                .contains("a &lt;script&gt;alert(1)&lt;/script&gt; lighthouse")
                .doesNotContain(longTail);
    }
}

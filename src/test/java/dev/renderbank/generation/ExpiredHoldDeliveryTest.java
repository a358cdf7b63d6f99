package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.generation.internal.Job;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The scheduler was down longer than a job's deadline plus the hold margin, so its hold expired
 * (issue 9, item 12). When the provider's result then arrives, the capture is refused: the user
 * must still get the output, free of charge, instead of the whole finish rolling back.
 */
class ExpiredHoldDeliveryTest extends StubbedKieTest {

    @Test
    void aResultArrivingAfterTheHoldExpiredIsAFreeLateDelivery() throws IOException {
        TestUser u = users.create(100);
        String prompt = "outlived its hold";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-outlived\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);

        // nothing ran for the image deadline (15 min) plus the hold margin (1 h)
        clock.advance(Duration.ofMinutes(15).plus(Duration.ofHours(1)).plusMinutes(1));
        KIE.stubFor(get("/files/outlived.png")
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + "/files/outlived.png\\\"]}";
        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo("t-outlived"))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-outlived\","
                        + "\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));

        Job job = job(id);
        Api.Response callback = api.post(
                "/api/provider/kie/callback/" + id + "?token=" + job.callbackToken(),
                null,
                "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-outlived\",\"state\":\"success\"}}");

        assertThat(callback.status()).as(callback.body()).isEqualTo(200);
        awaitCallbackChecked(id); // answered first; the provider query and the copy follow
        JsonNode shown = api.get("/api/v1/generations/" + id, u.token()).json();
        assertThat(shown.get("lateDelivery").asBoolean()).isTrue();
        assertThat(shown.get("creditsCharged").asLong()).isZero();
        assertThat(shown.get("creditsHeld").asLong()).isZero();
        assertThat(api.download(shown.get("assetUrl").asString(), u.token())).isEqualTo(png());
        assertThat(hold(id)).isEqualTo(HoldState.EXPIRED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();

        // the sweeper and the job task coming back change nothing more
        driver.step(id);
        assertThat(api.get("/api/v1/generations/" + id, u.token()).json()).isEqualTo(shown);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
    }

    private static byte[] png() throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}

package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.generation.internal.CallbackChecks;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * KIE waits 15 s for the answer to its callback, then sends the callback again. A result that takes
 * long to copy (a big video) must not hold the answer: the callback is answered at once while the
 * file is still coming, the callbacks repeated meanwhile start no second download, and the job still
 * succeeds, charged once.
 */
class SlowResultCallbackTest extends StubbedKieTest {

    static final String RECORD_INFO = "/api/v1/jobs/recordInfo";
    /** Well under the 15 s KIE waits; the file below takes 8 s. */
    static final Duration ANSWERED_WITHIN = Duration.ofSeconds(3);

    @Autowired
    CallbackChecks checks;

    @Test
    void theCallbackIsAnsweredWhileTheResultDownloadsAndItsRepeatsDownloadNothingMore() throws IOException {
        TestUser u = users.create(100);
        String prompt = "a result that takes long to download";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-slow-file\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).providerTaskId()).isEqualTo("t-slow-file");

        String file = "/files/slow.png";
        KIE.stubFor(get(file)
                .willReturn(aResponse()
                        .withHeader("Content-Type", "image/png")
                        .withBody(png())
                        .withFixedDelay(8000)));
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + file + "\\\"]}";
        KIE.stubFor(get(urlPathEqualTo(RECORD_INFO))
                .withQueryParam("taskId", equalTo("t-slow-file"))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-slow-file\","
                        + "\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));

        for (int i = 0; i < 3; i++) {
            long started = System.nanoTime();
            Api.Response callback = api.post(
                    "/api/provider/kie/callback/" + id + "?token=" + job(id).callbackToken(),
                    null,
                    "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-slow-file\",\"state\":\"success\"}}");
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(callback.status()).as(callback.body()).isEqualTo(200);
            assertThat(took)
                    .as("callback %d answered while its result is still downloading", i + 1)
                    .isLessThan(ANSWERED_WITHIN);
        }
        assertThat(job(id).state()).isNotEqualTo(JobState.SUCCEEDED);

        await().atMost(Duration.ofSeconds(60)).until(() -> job(id).state() == JobState.SUCCEEDED && checks.idle());
        assertThat(KIE.countRequestsMatching(
                                getRequestedFor(urlPathEqualTo(file)).build())
                        .getCount())
                .as("one download, however many callbacks")
                .isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from generation_asset where job_id = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from ledger_entry where kind = 'CAPTURE' and ref_key = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .as("charged once")
                .isEqualTo(1);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /**
     * The job's own poll that comes while its callback's check is still downloading the result does
     * not download it a second time (a video may be hundreds of megabytes): it looks again later and
     * finds the job done.
     */
    @Test
    void thePollThatComesWhileTheCallbacksCheckDownloadsTheResultDownloadsNothing() throws IOException {
        TestUser u = users.create(100);
        String prompt = "a result downloading while its poll comes";
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-poll-meets\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        String file = "/files/poll-meets.png";
        KIE.stubFor(get(file)
                .willReturn(aResponse()
                        .withHeader("Content-Type", "image/png")
                        .withBody(png())
                        .withFixedDelay(4000)));
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + file + "\\\"]}";
        KIE.stubFor(get(urlPathEqualTo(RECORD_INFO))
                .withQueryParam("taskId", equalTo("t-poll-meets"))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-poll-meets\","
                        + "\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));
        assertThat(api.post(
                                "/api/provider/kie/callback/" + id + "?token=" + job(id).callbackToken(),
                                null,
                                "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-poll-meets\",\"state\":\"success\"}}")
                        .status())
                .isEqualTo(200);
        // the check has asked the provider and is downloading (4 s) when the job's poll comes
        await().atMost(Duration.ofSeconds(10))
                .until(() -> KIE.countRequestsMatching(getRequestedFor(urlPathEqualTo(RECORD_INFO))
                                        .withQueryParam("taskId", equalTo("t-poll-meets"))
                                        .build())
                                .getCount()
                        >= 1);
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);
        driver.step(id);

        await().atMost(Duration.ofSeconds(60)).until(() -> job(id).state() == JobState.SUCCEEDED && checks.idle());
        assertThat(KIE.countRequestsMatching(
                                getRequestedFor(urlPathEqualTo(file)).build())
                        .getCount())
                .as("one download for the check and the poll")
                .isEqualTo(1);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
    }

    private static byte[] png() throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}

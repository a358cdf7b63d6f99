package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The provider's file host names the result's Content-Type; we store it and send it back when the
 * owner downloads the file. A value our own response cannot carry (an unknown charset, a broken
 * parameter) must not make the file the user paid for undownloadable: it is served all the same.
 * Nor must a common alias of an allowed type ({@code image/jpg}): the result is stored as the
 * standard type.
 */
class ResultContentTypeTest extends StubbedKieTest {

    @ParameterizedTest
    @ValueSource(strings = {"image/png; charset=no-such-charset", "image/png; q=\"", "image/png;a=b;a=\"x"})
    void aResultWithAnOddContentTypeIsStoredAndDownloadable(String contentType) {
        TestUser u = users.create(100);
        String prompt = "odd content type " + contentType.hashCode();
        String task = "t-ctype-" + Integer.toHexString(contentType.hashCode());
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        String path = "/files/" + task + ".png";
        KIE.stubFor(get(urlPathEqualTo(path))
                .willReturn(aResponse().withHeader("Content-Type", contentType).withBody(new byte[] {1, 2, 3})));
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + path + "\\\"]}";
        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo(task))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\","
                        + "\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        JsonNode shown = api.get("/api/v1/generations/" + id, u.token()).json();
        Api.Response file = api.get(shown.get("assetUrl").asString(), u.token());
        assertThat(file.status()).as(file.body()).isEqualTo(200);
        assertThat(api.download(shown.get("assetUrl").asString(), u.token())).containsExactly(1, 2, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"image/jpg", "IMAGE/JPG; charset=binary", "image/pjpeg"})
    void aResultServedUnderAnAliasOfJpegIsStoredAsImageJpeg(String contentType) {
        TestUser u = users.create(100);
        String prompt = "jpeg alias " + contentType.hashCode();
        String task = "t-jpg-" + Integer.toHexString(contentType.hashCode());
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        String path = "/files/" + task + ".jpg";
        KIE.stubFor(get(urlPathEqualTo(path))
                .willReturn(aResponse().withHeader("Content-Type", contentType).withBody(new byte[] {4, 5, 6})));
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + path + "\\\"]}";
        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo(task))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\","
                        + "\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));

        driver.step(id);

        assertThat(job(id).state()).as(job(id).toString()).isEqualTo(JobState.SUCCEEDED);
        JsonNode shown = api.get("/api/v1/generations/" + id, u.token()).json();
        Api.Response file = api.get(shown.get("assetUrl").asString(), u.token());
        assertThat(file.status()).as(file.body()).isEqualTo(200);
        assertThat(file.header("Content-Type")).startsWith("image/jpeg");
        assertThat(api.download(shown.get("assetUrl").asString(), u.token())).containsExactly(4, 5, 6);
    }

    /** Still refused: not a picture or a video. The log names the URL without its signature. */
    @Test
    void aResultServedAsAWebPageIsRefusedAndItsSignedUrlIsNotLogged() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        List<Logger> loggers = Stream.of(
                        "dev.renderbank.generation.internal.JobPolling",
                        "dev.renderbank.storage.internal.SafeOutputFetcher")
                .map(name -> (Logger) LoggerFactory.getLogger(name))
                .toList();
        lines.start();
        loggers.forEach(l -> l.addAppender(lines));
        try {
            TestUser u = users.create(100);
            String task = "t-html-refused";
            createTaskAnswers(
                    "a web page", 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"}}");
            String id = accept(u, "a web page");
            driver.step(id);
            String path = "/files/" + task + ".png";
            KIE.stubFor(get(urlPathEqualTo(path))
                    .willReturn(
                            aResponse().withHeader("Content-Type", "text/html").withBody("<p>hi</p>")));
            String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + path + "?sig=s3cr3t-signature\\\"]}";
            KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                    .withQueryParam("taskId", equalTo(task))
                    .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\","
                            + "\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));

            driver.step(id);

            assertThat(job(id).state()).isEqualTo(JobState.FAILED);
            assertThat(job(id).errorCode()).isEqualTo("output_refused");
            List<String> logged;
            synchronized (lines.list) {
                logged = lines.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .toList();
            }
            assertThat(logged).anyMatch(line -> line.contains("job " + id + ": output") && line.contains(path));
            assertThat(logged).noneMatch(line -> line.contains("s3cr3t"));
        } finally {
            loggers.forEach(l -> l.detachAppender(lines));
            lines.stop();
        }
    }
}

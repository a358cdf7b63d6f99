package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** recordInfo answers and result files of {@link StubbedKieTest#KIE}, for tests that drive a job to its end. */
final class KieRecords {

    static final String RECORD_INFO = "/api/v1/jobs/recordInfo";

    private KieRecords() {}

    static void recordInfo(String task, ResponseDefinitionBuilder answer) {
        StubbedKieTest.KIE.stubFor(get(urlPathEqualTo(RECORD_INFO))
                .withQueryParam("taskId", equalTo(task))
                .willReturn(answer));
    }

    static int recordInfoCalls(String task) {
        return StubbedKieTest.KIE
                .countRequestsMatching(getRequestedFor(urlPathEqualTo(RECORD_INFO))
                        .withQueryParam("taskId", equalTo(task))
                        .build())
                .getCount();
    }

    /** The task's record in state {@code success}, its one result a PNG that KIE serves. */
    static void succeeded(String task) {
        String file = "/files/" + task + ".png";
        StubbedKieTest.KIE.stubFor(get(file)
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        String resultJson = "{\\\"resultUrls\\\":[\\\"" + StubbedKieTest.KIE.baseUrl() + file + "\\\"]}";
        recordInfo(task, okJson(record(task, "\"state\":\"success\",\"resultJson\":\"" + resultJson + "\"")));
    }

    /** The task's record in state {@code fail}. */
    static void failed(String task, String why) {
        recordInfo(task, okJson(record(task, "\"state\":\"fail\",\"failCode\":\"500\",\"failMsg\":\"" + why + "\"")));
    }

    static void running(String task) {
        recordInfo(task, okJson(record(task, "\"state\":\"generating\",\"progress\":40")));
    }

    static String record(String task, String fields) {
        return "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"," + fields + "}}";
    }

    static byte[] png() {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}

package dev.renderbank.provider;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.renderbank.provider.simulator.SimulatorFaults;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The simulator's injected faults (used by the bank test): each does what a misbehaving provider
 * does, and a refused createTask never leaves a task behind.
 */
class SimulatorFaultsTest extends ProviderIntegrationTest {

    @RegisterExtension
    static WireMockExtension app = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    @Autowired
    JdbcClient jdbc;

    private final HttpClient http = HttpClient.newHttpClient();

    private static SimulatorFaults faults(
            double error, double timeout, double outOfCredits, double duplicate, Duration delay, double download) {
        return new SimulatorFaults(error, timeout, Duration.ofSeconds(3), outOfCredits, duplicate, delay, download);
    }

    private long tasks() {
        return jdbc.sql("select count(*) from sim_task").query(Long.class).single();
    }

    private SubmitOutcome submit(String job, String callback) {
        return gateway.submit(new SubmitRequest(job, "google/nano-banana", Map.of("prompt", "a lighthouse"), callback));
    }

    @Test
    void aSubmitErrorAnswers500AndCreatesNoTask() {
        simulator.setFaults(faults(1, 0, 0, 0, Duration.ZERO, 0));
        long before = tasks();

        assertThat(submit("job-f1", null)).isInstanceOf(SubmitOutcome.Unknown.class);
        assertThat(tasks()).isEqualTo(before);
    }

    @Test
    void anOutOfCreditsFaultAnswers402AndCreatesNoTask() {
        simulator.setFaults(faults(0, 0, 1, 0, Duration.ZERO, 0));
        long before = tasks();

        SubmitOutcome outcome = submit("job-f2", null);

        assertThat(((SubmitOutcome.Rejected) outcome).error().code()).isEqualTo(402);
        assertThat(tasks()).isEqualTo(before);
    }

    @Test
    void aSlowSubmitCreatesTheTaskButAnswersAfterTheCallerGaveUp() {
        simulator.setFaults(faults(0, 1, 0, 0, Duration.ZERO, 0));
        long before = tasks();
        HttpRequest create = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/api/v1/jobs/createTask"))
                .timeout(Duration.ofSeconds(1))
                .header("Authorization", "Bearer " + simulator.apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"google/nano-banana\",\"input\":{\"prompt\":\"slow\"}}"))
                .build();

        assertThatThrownBy(() -> http.send(create, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(tasks()).isEqualTo(before + 1);
    }

    @Test
    void aFailedDownloadAnswers500() throws Exception {
        simulator.setImageDuration(Duration.ZERO);
        simulator.setFaults(faults(0, 0, 0, 0, Duration.ZERO, 1));
        String taskId = ((SubmitOutcome.Accepted) submit("job-f4", null)).providerTaskId();
        URI file = ((QueryOutcome.Succeeded) gateway.query("google/nano-banana", taskId))
                .resultUrls()
                .get(0);

        HttpResponse<Void> download =
                http.send(HttpRequest.newBuilder(file).build(), HttpResponse.BodyHandlers.discarding());

        assertThat(download.statusCode()).isEqualTo(500);
    }

    @Test
    void aLateCallbackWaitsPastTheTaskAndADuplicateArrivesTwice() {
        app.stubFor(
                post(urlPathEqualTo("/callback/job-f5")).willReturn(aResponse().withStatus(200)));
        simulator.setImageDuration(Duration.ZERO);
        simulator.setFaults(faults(0, 0, 0, 1, Duration.ofHours(1), 0));

        submit("job-f5", app.baseUrl() + "/callback/job-f5");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .untilAsserted(() -> app.verify(0, postRequestedFor(urlPathEqualTo("/callback/job-f5"))));

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> app.verify(2, postRequestedFor(urlPathEqualTo("/callback/job-f5"))));
    }
}

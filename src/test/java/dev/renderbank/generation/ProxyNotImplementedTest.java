package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static dev.renderbank.generation.KieRecords.recordInfo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A 501 from recordInfo without KIE's own body (a proxy's "Not Implemented": no body, or an HTML
 * page) is a gateway's blip, not KIE's "generation failed" (its body code 501): the job is asked
 * again, and when KIE's record then says success, the result is copied and charged once. Read as
 * the task's failure, it failed and released every job polled through the proxy, although KIE,
 * already paid, went on and delivered.
 */
class ProxyNotImplementedTest extends StubbedKieTest {

    @Test
    void aBare501ThenASuccessRecordDeliversTheResultChargedOnce() {
        TestUser u = users.create(100);
        String task = "t-proxy-501-" + UUID.randomUUID();
        String id = submitted(u, task);

        recordInfo(task, aResponse().withStatus(501));
        driver.step(id);
        assertThat(job(id).state()).as("a proxy's 501 says nothing of the task").isEqualTo(JobState.SUBMITTED);
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);

        recordInfo(
                task,
                aResponse()
                        .withStatus(501)
                        .withHeader("Content-Type", "text/html")
                        .withBody("<html><body><h1>501 Not Implemented</h1></body></html>"));
        clock.advance(Duration.ofSeconds(10));
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);

        KieRecords.succeeded(task);
        clock.advance(Duration.ofSeconds(10));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job(id).lateDelivery()).isFalse();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
        driver.step(id);
        assertThat(entries(id, "CAPTURE")).isEqualTo(1);
        assertThat(entries(id, "RELEASE")).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /** KIE's own 501 (its body's code, here under a 501 status) still fails the job at once. */
    @Test
    void kiesOwn501StillFailsTheJobAtOnce() {
        TestUser u = users.create(100);
        String task = "t-kie-501-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(
                task,
                aResponse()
                        .withStatus(501)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"code\":501,\"message\":\"Generation failed\"}"));

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_generation_failed");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
    }

    private String submitted(TestUser u, String task) {
        String prompt = "proxy " + task;
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        return id;
    }

    private long entries(String jobId, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where ref_key = :k and kind = :kind")
                .param("k", jobId)
                .param("kind", kind)
                .query(Long.class)
                .single();
    }
}

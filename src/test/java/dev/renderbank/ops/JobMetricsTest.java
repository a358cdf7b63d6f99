package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.billing.core.WebhookIntake;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The latency metrics operators alert on: accept latency, time to finish per model, provider call
 * latency per endpoint, webhook processing time, and refusals counted by reason.
 */
class JobMetricsTest extends IntegrationTest {

    static final String IMAGE = "{\"model\":\"nano-banana\",\"prompt\":\"a lighthouse at dusk\"}";

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    MeterRegistry meters;

    @Autowired
    WebhookIntake webhooks;

    private long timerCount(String name, String... tags) {
        Timer t = meters.find(name).tags(tags).timer();
        return t == null ? 0 : t.count();
    }

    private double counter(String name, String... tags) {
        var c = meters.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aFinishedJobRecordsItsAcceptTimeItsTimeToFinishAndTheProviderCallsLatency() {
        Api api = new Api(port);
        long accepted = timerCount("renderbank.jobs.accept", "outcome", "accepted");
        long finished = timerCount("renderbank.jobs.time-to-finish", "model", "nano-banana", "outcome", "succeeded");
        long submits = timerCount("renderbank.provider.call.latency", "endpoint", "createTask");

        var u = users.create(100);
        Api.Response r = api.post("/api/v1/generate-image", u.token(), IMAGE);
        assertThat(r.status()).isEqualTo(202);
        var done = api.awaitTerminal(r.json().get("taskId").asString(), u.token());
        assertThat(done.get("status").asString()).isEqualTo("completed");

        assertThat(timerCount("renderbank.jobs.accept", "outcome", "accepted")).isEqualTo(accepted + 1);
        assertThat(timerCount("renderbank.jobs.time-to-finish", "model", "nano-banana", "outcome", "succeeded"))
                .isEqualTo(finished + 1);
        assertThat(timerCount("renderbank.provider.call.latency", "endpoint", "createTask"))
                .isGreaterThan(submits);
        // histograms, so that a p95 can be computed from the scrape
        String scrape = AdminSupport.call(port, "GET", "/actuator/prometheus", ADMIN_TOKEN, null, null)
                .body();
        assertThat(scrape)
                .contains("renderbank_jobs_accept_seconds_bucket")
                .contains("renderbank_jobs_time_to_finish_seconds_bucket")
                .contains("renderbank_provider_call_latency_seconds_bucket{endpoint=\"createTask\"");
    }

    @Test
    void refusalsAreCountedByReason() {
        double before = counter("renderbank.jobs.refused", "reason", "not-enough-credits");
        var broke = users.create(0);
        assertThat(new Api(port)
                        .post("/api/v1/generate-image", broke.token(), IMAGE)
                        .status())
                .isEqualTo(402);
        assertThat(counter("renderbank.jobs.refused", "reason", "not-enough-credits"))
                .isEqualTo(before + 1);
    }

    @Test
    void processingAPaymentWebhookIsTimed() {
        long before = meters.find("renderbank.payments.webhook.processing").timers().stream()
                .mapToLong(Timer::count)
                .sum();
        webhooks.receive("simulated", "evt_metrics_" + UUID.randomUUID(), "unknown.kind", "{}");
        long after = meters.find("renderbank.payments.webhook.processing").timers().stream()
                .mapToLong(Timer::count)
                .sum();
        assertThat(after).isEqualTo(before + 1);
    }
}

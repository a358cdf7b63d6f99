package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.Sweeper;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.platform.DurableEvent;
import dev.renderbank.support.TestUsers.TestUser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every way a job finishes publishes exactly one durable event ({@link GenerationSucceeded} or {@link
 * GenerationFailed}) in the finishing transaction, and nothing else that reaches the job afterwards
 * publishes another. The scheduler never runs tasks in this context, so an event shows as its pending
 * task (for the do-nothing listeners of {@link StubbedKieTest}); deleting that task stands for "its handler ran", after which any second publication would show
 * as a new task.
 */
class GenerationFinishedEventsTest extends StubbedKieTest {

    @Autowired
    Sweeper sweeper;

    @Autowired
    ProviderCallbacks callbacks;

    @Autowired
    Generations generations;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JsonMapper json;

    private static String prompt(String what) {
        return what + "-" + UUID.randomUUID();
    }

    private String submitted(TestUser u, String prompt, String providerTask) {
        createTaskAnswers(
                prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + providerTask + "\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        return id;
    }

    private void providerSucceeds(String providerTask) throws IOException {
        String file = "/files/" + providerTask + ".png";
        KIE.stubFor(get(file)
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + file + "\\\"]}";
        KIE.stubFor(get(urlPathEqualTo("/api/v1/jobs/recordInfo"))
                .withQueryParam("taskId", equalTo(providerTask))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + providerTask
                        + "\",\"state\":\"success\",\"resultJson\":\"" + result + "\"}}")));
    }

    private void callback(String id, String providerTask) {
        assertThat(callbacks.onProviderCallback(id, job(id).callbackToken(), providerTask))
                .isEqualTo(CallbackOutcome.CHECKED);
        awaitCallbackChecked(id);
    }

    /** The finish events of this job waiting for this test's listeners (other modules' handlers aside). */
    private List<DurableEvent> published(String jobId) {
        return jdbc.sql("""
                        select task_data from scheduled_tasks
                         where task_name = 'durable-event' and task_instance like :instance""")
                .param("instance", "test.generation-%:generation-finished:" + jobId)
                .query((rs, n) -> event(rs.getBytes("task_data")))
                .list();
    }

    /** db-scheduler stores a task's data (the envelope JSON, a String) Java-serialized. */
    private DurableEvent event(byte[] taskData) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(taskData))) {
            JsonNode e = json.readTree((String) in.readObject());
            Class<?> type = Class.forName(e.get("type").asString());
            return (DurableEvent) json.readValue(e.get("event").asString(), type);
        } catch (IOException | ClassNotFoundException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** As if the handlers had run: their tasks are done and gone. */
    private void handled(String jobId) {
        jdbc.sql("delete from scheduled_tasks where task_name = 'durable-event' and task_instance like :instance")
                .param("instance", "%:generation-finished:" + jobId)
                .update();
    }

    @Test
    void aSuccessPublishesOneGenerationSucceeded() throws IOException {
        TestUser u = users.create(100);
        String id = submitted(u, prompt("succeeds"), "t-ev-ok-" + UUID.randomUUID());
        String task = job(id).providerTaskId();
        providerSucceeds(task);

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(published(id))
                .containsExactly(new GenerationSucceeded(u.id(), id, "nano-banana", AssetType.IMAGE, 5));
        handled(id);
        // the news arriving again, by every path, finishes nothing a second time
        callback(id, task);
        driver.step(id);
        sweeper.sweep();
        assertThat(published(id)).isEmpty();
    }

    @Test
    void aProviderRefusalPublishesOneGenerationFailedWithItsReason() {
        TestUser u = users.create(100);
        String p = prompt("refused");
        createTaskAnswers(p, 422, "{\"code\":422,\"msg\":\"no lighthouses today\"}");
        String id = accept(u, p);

        driver.step(id);

        Job job = job(id);
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(published(id))
                .containsExactly(new GenerationFailed(
                        u.id(),
                        id,
                        "nano-banana",
                        AssetType.IMAGE,
                        5,
                        "provider_validation",
                        job.errorMessage(),
                        false));
        assertThat(job.errorMessage()).contains("no lighthouses today");
        handled(id);
        driver.step(id);
        sweeper.sweep();
        assertThat(published(id)).isEmpty();
    }

    @Test
    void theDeadlinePublishesOneGenerationFailedAndALateResultNoSecondEvent() throws IOException {
        TestUser u = users.create(100);
        String id = submitted(u, prompt("too slow"), "t-ev-late-" + UUID.randomUUID());
        String task = job(id).providerTaskId();
        clock.advance(Duration.ofMinutes(16));

        sweeper.sweep();

        assertThat(published(id))
                .containsExactly(new GenerationFailed(
                        u.id(),
                        id,
                        "nano-banana",
                        AssetType.IMAGE,
                        5,
                        "deadline_exceeded",
                        "The generation did not finish in time; your credits were released.",
                        false));
        handled(id);
        providerSucceeds(task);
        callback(id, task);
        assertThat(job(id).lateDelivery())
                .as("the result is stored for the user")
                .isTrue();
        assertThat(published(id)).as("but the job had already finished").isEmpty();
    }

    @Test
    void aResultAfterTheHoldExpiredPublishesOneGenerationFailedAsAFreeLateDelivery() throws IOException {
        TestUser u = users.create(100);
        String id = submitted(u, prompt("outlived"), "t-ev-expired-" + UUID.randomUUID());
        String task = job(id).providerTaskId();
        clock.advance(Duration.ofMinutes(15).plus(Duration.ofHours(1)).plusMinutes(1));
        providerSucceeds(task);

        callback(id, task);

        Job job = job(id);
        assertThat(job.lateDelivery()).isTrue();
        assertThat(published(id))
                .containsExactly(new GenerationFailed(
                        u.id(), id, "nano-banana", AssetType.IMAGE, 0, "deadline_exceeded", job.errorMessage(), true));
        handled(id);
        driver.step(id);
        callback(id, task);
        assertThat(published(id)).isEmpty();
    }

    @Test
    void aCancelPublishesOneGenerationFailed() {
        TestUser u = users.create(100);
        String id = accept(u, prompt("cancelled"));

        assertThat(generations.cancel(u.id(), id)).isInstanceOf(CancelOutcome.Cancelled.class);

        assertThat(published(id))
                .containsExactly(new GenerationFailed(
                        u.id(),
                        id,
                        "nano-banana",
                        AssetType.IMAGE,
                        5,
                        "cancelled",
                        "Cancelled before it reached the provider; your credits were released.",
                        false));
        handled(id);
        // a repeat (its first answer lost) answers cancelled again and publishes nothing
        assertThat(generations.cancel(u.id(), id)).isInstanceOf(CancelOutcome.Cancelled.class);
        assertThat(published(id)).isEmpty();
    }

    @Test
    void aRolledBackFinishPublishesNothing() {
        TestUser u = users.create(100);
        String id = submitted(u, prompt("rolled back"), "t-ev-rollback-" + UUID.randomUUID());
        clock.advance(Duration.ofMinutes(16));

        tx.executeWithoutResult(status -> {
            sweeper.sweep();
            assertThat(published(id)).as("written with the finish").hasSize(1);
            status.setRollbackOnly();
        });

        assertThat(published(id)).isEmpty();
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);
        sweeper.sweep();
        assertThat(published(id)).hasSize(1);
    }

    private static byte[] png() throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}

package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import dev.renderbank.generation.internal.FinisherTestSupport;
import dev.renderbank.generation.internal.JobFinisher;
import dev.renderbank.generation.internal.Sweeper;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * A result the provider delivers after its job was failed (deadline, operator, a failure while the
 * submit was in flight) is stored and shown free of charge (SPEC section 4). Here db-scheduler runs
 * (polling every 200 ms) as in production, so whatever this node leaves to a durable task is done
 * by that task: a copy of the late result that fails for a moment is tried again, and a provider task
 * learned only after the job failed is asked about, without waiting for a callback that may never
 * come. Each ends with exactly one asset, no charge, and the hold released once.
 */
@TestPropertySource(
        properties = {
            "db-scheduler.polling-interval=200ms",
            "renderbank.jobs.late-delivery-retry=1s",
            "renderbank.provider.kie.read-timeout=10s"
        })
class LateDeliveryRetryTest extends StubbedKieTest {

    static final String RECORD_INFO = "/api/v1/jobs/recordInfo";

    @Autowired
    JobFinisher finisher;

    @Autowired
    Sweeper sweeper;

    @Autowired
    SchedulerClient scheduler;

    @Test
    void aLateResultWhoseCopyFailsOnceIsCopiedAgainLaterOnceAndFreeOfCharge() throws IOException {
        TestUser u = users.create(100);
        String prompt = "late and its file answers 503 once";
        createTaskAnswers(prompt, 200, taskCreated("t-late-503"));
        recordInfo("t-late-503", "{\"taskId\":\"t-late-503\",\"state\":\"generating\"}");
        String id = accept(u, prompt);
        await().atMost(Duration.ofSeconds(20)).until(() -> job(id).providerTaskId() != null);
        // failed on the provider's word, which its later callback contradicts; a failure that leaves
        // nothing asking the provider again, so only this callback brings the result
        assertThat(FinisherTestSupport.fail(
                        finisher, job(id), "provider_generation_failed", "The generation failed at the provider", true))
                .isTrue();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));

        String file = "/files/late-503.png";
        KIE.stubFor(get(file)
                .inScenario("late-503")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("up"));
        KIE.stubFor(get(file)
                .inScenario("late-503")
                .whenScenarioStateIs("up")
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        recordInfo("t-late-503", succeeded("t-late-503", file));

        Api.Response callback = callback(id, "t-late-503");
        assertThat(callback.status()).as(callback.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).assetId() != null);
        JsonNode shown = api.get("/api/v1/generations/" + id, u.token()).json();
        assertThat(shown.get("lateDelivery").asBoolean()).isTrue();
        assertThat(shown.get("creditsCharged").asLong()).isZero();
        assertThat(api.download(shown.get("assetUrl").asString(), u.token())).isEqualTo(png());
        assertThat(fetches(file)).as("the 503, then the copy").isEqualTo(2);

        // the provider's callback repeated changes nothing
        assertThat(callback(id, "t-late-503").status()).isEqualTo(200);
        awaitCallbackChecked(id);
        assertThat(assets(id)).isEqualTo(1);
        assertThat(fetches(file)).isEqualTo(2);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "CAPTURE")).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /**
     * A failed job's callback is answered before its check runs, so the check must be durable first:
     * its late-delivery task is scheduled before the answer (the node may die before the check ran).
     * That task, coming due while the callback's check still copies a slow file on this node, copies
     * nothing a second time; the file is fetched once, the result stored once, never charged.
     */
    @Test
    void aFailedJobsCallbackIsDurableAtOnceAndItsTaskDoesNotCopyTheResultAgainWhileTheCheckDoes() throws IOException {
        TestUser u = users.create(100);
        String prompt = "failed, then a slow late result";
        createTaskAnswers(prompt, 200, taskCreated("t-late-slow"));
        recordInfo("t-late-slow", "{\"taskId\":\"t-late-slow\",\"state\":\"generating\"}");
        String id = accept(u, prompt);
        await().atMost(Duration.ofSeconds(20)).until(() -> job(id).providerTaskId() != null);
        assertThat(FinisherTestSupport.fail(
                        finisher, job(id), "provider_generation_failed", "The generation failed at the provider", true))
                .isTrue();
        TaskInstanceId check = TaskInstanceId.of("generation-late-delivery", id);
        assertThat(scheduler.getScheduledExecution(check))
                .as("a failure on the provider's word asks nothing later")
                .isEmpty();

        String file = "/files/late-slow.png";
        KIE.stubFor(get(file)
                .willReturn(aResponse()
                        .withHeader("Content-Type", "image/png")
                        .withBody(png())
                        .withFixedDelay(6000)));
        recordInfo("t-late-slow", succeeded("t-late-slow", file));

        long started = System.nanoTime();
        Api.Response callback = callback(id, "t-late-slow");
        assertThat(callback.status()).as(callback.body()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(scheduler.getScheduledExecution(check))
                .as("durable before the callback was answered")
                .isPresent();
        // the task comes due while the callback's check copies the file
        assertThat(scheduler.reschedule(check, Instant.now())).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).assetId() != null);
        awaitCallbackChecked(id);
        // its next try (1 s doubling) finds the result stored and ends
        await().atMost(Duration.ofSeconds(30))
                .until(() -> scheduler.getScheduledExecution(check).isEmpty());
        assertThat(fetches(file))
                .as("one copy of the result, however many tries")
                .isEqualTo(1);
        assertThat(assets(id)).isEqualTo(1);
        assertThat(job(id).lateDelivery()).isTrue();
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "CAPTURE")).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void aJobFailedWhileItsSubmitWasInFlightRecordsTheProvidersTaskAndGetsItsResultFree() throws IOException {
        TestUser u = users.create(100);
        String prompt = "failed while its submit was in flight";
        // the provider takes its time to answer: the job fails meanwhile
        createTaskAnswers(
                prompt,
                aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(taskCreated("t-in-flight"))
                        .withFixedDelay(3000));
        String file = "/files/in-flight.png";
        KIE.stubFor(get(file)
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        recordInfo("t-in-flight", succeeded("t-in-flight", file));
        String id = accept(u, prompt);
        await().atMost(Duration.ofSeconds(20)).until(() -> job(id).submitStartedAt() != null);
        assertThat(FinisherTestSupport.fail(
                        finisher, job(id), "deadline_exceeded", "The generation did not finish in time", true))
                .isTrue();
        assertThat(job(id).providerTaskId()).isNull();

        // the answer arrives after the failure: the task the provider works on (and bills) is the job's
        await().atMost(Duration.ofSeconds(20)).until(() -> "t-in-flight".equals(job(id).providerTaskId()));
        // and it is asked about, with no callback: its result is the user's, free of charge
        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).assetId() != null);
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).lateDelivery()).isTrue();
        assertThat(job(id).creditsCharged()).isZero();
        assertThat(createTaskCalls(prompt)).isEqualTo(1);
        assertThat(assets(id)).isEqualTo(1);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "CAPTURE")).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /**
     * A callback that teaches a failed job its task also makes the late result's check durable, in the
     * same transaction: when the check cannot be scheduled, the task is not recorded either and the
     * callback is not answered 200, so the provider's resend finds the job as it was (a task recorded
     * with no check of its result would have nothing ever ask for it).
     */
    @Test
    void aFailedJobLearnsItsTaskFromACallbackOnlyTogetherWithItsLateCheck() throws IOException {
        TestUser u = users.create(100);
        String prompt = "learns its task with its late check";
        createTaskAnswers(
                prompt,
                aResponse()
                        .withStatus(500)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{}"));
        String id = accept(u, prompt);
        await().atMost(Duration.ofSeconds(20)).until(() -> job(id).state() == JobState.UNKNOWN);
        assertThat(FinisherTestSupport.fail(
                        finisher, job(id), "deadline_exceeded", "The generation did not finish in time", true))
                .isTrue();
        assertThat(job(id).providerTaskId()).isNull();

        String refuse = "late_check_refused_" + id.replaceAll("[^A-Za-z0-9]", "_");
        jdbc.sql("create function " + refuse + "() returns trigger language plpgsql as $$ begin"
                        + " if new.task_name = 'generation-late-delivery' and new.task_instance = '" + id
                        + "' then raise exception 'the check cannot be scheduled now'; end if; return new; end $$")
                .update();
        jdbc.sql("create trigger " + refuse + " before insert on scheduled_tasks for each row execute function "
                        + refuse + "()")
                .update();
        try {
            assertThat(callback(id, "t-learned").status()).isNotEqualTo(200);
            assertThat(job(id).providerTaskId())
                    .as("not recorded without its check")
                    .isNull();
        } finally {
            jdbc.sql("drop trigger " + refuse + " on scheduled_tasks").update();
            jdbc.sql("drop function " + refuse + "()").update();
        }
        recordInfo("t-learned", "{\"taskId\":\"t-learned\",\"state\":\"generating\"}");
        assertThat(callback(id, "t-learned").status()).isEqualTo(200); // the provider sends it again
        assertThat(job(id).providerTaskId()).isEqualTo("t-learned");
        assertThat(jdbc.sql("select count(*) from scheduled_tasks where task_name = 'generation-late-delivery'"
                                + " and task_instance = :id")
                        .param("id", id)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    /**
     * The deadline fails a job the provider still works on; its result comes later and the callback
     * announcing it is lost (our node was down, say): the result is the user's all the same, found by
     * asking the provider, free of charge.
     */
    @Test
    void aJobFailedAtItsDeadlineWhileTheProviderStillWorksGetsItsResultFreeWithoutACallback() throws IOException {
        TestUser u = users.create(100);
        String prompt = "failed at its deadline, finished later";
        createTaskAnswers(prompt, 200, taskCreated("t-past-deadline"));
        recordInfo("t-past-deadline", "{\"taskId\":\"t-past-deadline\",\"state\":\"generating\"}");
        String id = accept(u, prompt);
        await().atMost(Duration.ofSeconds(20)).until(() -> job(id).providerTaskId() != null);
        clock.advance(Duration.ofMinutes(16)); // past the image deadline (15 min)
        sweeper.sweep();
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("deadline_exceeded");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));

        String file = "/files/past-deadline.png";
        KIE.stubFor(get(file)
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        recordInfo("t-past-deadline", succeeded("t-past-deadline", file));
        // its check is durable (a db-scheduler task), due at the application clock's time; here: now
        TaskInstanceId check = TaskInstanceId.of("generation-late-delivery", id);
        assertThat(scheduler.getScheduledExecution(check))
                .as("a check of the failed job's provider task is scheduled")
                .isPresent();
        assertThat(scheduler.reschedule(check, Instant.now())).isTrue();

        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).assetId() != null);
        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).lateDelivery()).isTrue();
        assertThat(job(id).creditsCharged()).isZero();
        assertThat(assets(id)).isEqualTo(1);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "CAPTURE")).isZero();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /**
     * Once the provider says the task of a job failed at its deadline failed too, nothing more will
     * come: the job stops saying a free result may (lateResultUntil gone), before its ten hours end.
     */
    @Test
    void aLateCheckThatFindsTheTaskFailedEndsTheLateResultPromise() {
        TestUser u = users.create(100);
        String prompt = "failed at its deadline, then failed at the provider";
        createTaskAnswers(prompt, 200, taskCreated("t-past-deadline-failed"));
        recordInfo("t-past-deadline-failed", "{\"taskId\":\"t-past-deadline-failed\",\"state\":\"generating\"}");
        String id = accept(u, prompt);
        await().atMost(Duration.ofSeconds(20)).until(() -> job(id).providerTaskId() != null);
        clock.advance(Duration.ofMinutes(16));
        sweeper.sweep();
        assertThat(job(id).errorCode()).isEqualTo("deadline_exceeded");
        assertThat(job(id).view().lateResultUntil())
                .isEqualTo(job(id).completedAt().plus(Duration.ofHours(10)));

        recordInfo(
                "t-past-deadline-failed",
                "{\"taskId\":\"t-past-deadline-failed\",\"state\":\"fail\",\"failCode\":\"500\",\"failMsg\":\"boom\"}");
        TaskInstanceId check = TaskInstanceId.of("generation-late-delivery", id);
        assertThat(scheduler.reschedule(check, Instant.now())).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> job(id).lateChecksEndedAt() != null);
        assertThat(job(id).view().lateResultUntil()).as("nothing more comes").isNull();
        assertThat(job(id).assetId()).isNull();
    }

    private Api.Response callback(String id, String taskId) {
        return api.post(
                "/api/provider/kie/callback/" + id + "?token=" + job(id).callbackToken(),
                null,
                "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + taskId + "\",\"state\":\"success\"}}");
    }

    private static String taskCreated(String taskId) {
        return "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + taskId + "\"}}";
    }

    private static String succeeded(String taskId, String file) {
        String result = "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + file + "\\\"]}";
        return "{\"taskId\":\"" + taskId + "\",\"state\":\"success\",\"resultJson\":\"" + result + "\"}";
    }

    private static void recordInfo(String taskId, String data) {
        KIE.stubFor(get(urlPathEqualTo(RECORD_INFO))
                .withQueryParam("taskId", equalTo(taskId))
                .willReturn(okJson("{\"code\":200,\"msg\":\"success\",\"data\":" + data + "}")));
    }

    private static int fetches(String file) {
        return KIE.countRequestsMatching(getRequestedFor(urlPathEqualTo(file)).build())
                .getCount();
    }

    private long assets(String jobId) {
        return jdbc.sql("select count(*) from generation_asset where job_id = :id")
                .param("id", jobId)
                .query(Long.class)
                .single();
    }

    private long entries(String jobId, String kind) {
        return jdbc.sql("select count(*) from ledger_entry where ref_key = :k and kind = :kind")
                .param("k", jobId)
                .param("kind", kind)
                .query(Long.class)
                .single();
    }

    private static byte[] png() throws IOException {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}

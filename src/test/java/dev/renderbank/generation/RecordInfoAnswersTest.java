package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.renderbank.ledger.Balance;
import dev.renderbank.support.Concurrently;
import dev.renderbank.support.TestUsers.TestUser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What a job does with each answer of KIE's recordInfo that is not a task record (SPEC section 5):
 * KIE's 501 (its body's code) says the generation failed, so the job fails at once (a bare 501 status
 * is a gateway's: {@link ProxyNotImplementedTest}); 404 (no such task), 422 (the id refused)
 * and a success without result URLs may be a provider still writing its record, so the job asks
 * again and fails only when such answers persist (at least three, over at least two minutes, with no
 * record between them), and then a late-delivery check asks KIE on for a result it may still have;
 * 401, 402, 429, 455 and other 5xx are the provider not coping, asked again until the deadline. The
 * scheduler never runs here: each poll is one {@code driver.step}, the clock moved by hand.
 */
class RecordInfoAnswersTest extends StubbedKieTest {

    static final String RECORD_INFO = "/api/v1/jobs/recordInfo";

    @Autowired
    SchedulerClient scheduler;

    @Autowired
    ProviderCallbacks callbacks;

    @Test
    void a501FromRecordInfoFailsTheJobAtOnceAndReleasesItsCreditsOnce() {
        TestUser u = users.create(100);
        String task = "t-501-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, aResponse().withStatus(200).withBody("{\"code\":501,\"message\":\"Generation failed\"}"));

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_generation_failed");
        assertThat(job(id).errorMessage()).contains("Generation failed").contains("credits were released");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(imageCooldown(u))
                .as("not the user's fault: the cooldown is given back")
                .isEmpty();
        // told again by every path: released once
        driver.step(id);
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void anHttp501FromRecordInfoFailsTheJobAtOnceToo() {
        TestUser u = users.create(100);
        String task = "t-http-501-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, aResponse().withStatus(501).withBody("{\"code\":501,\"message\":\"Generation failed\"}"));

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_generation_failed");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
    }

    @Test
    void aTaskKieDoesNotKnowIsAskedAgainAndFailsOnlyOnceThe404Persists() {
        TestUser u = users.create(100);
        String task = "t-404-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, aResponse().withStatus(404).withBody("{\"code\":404,\"message\":\"task not found\"}"));

        driver.step(id);
        assertThat(job(id).state()).as("one 404 proves nothing").isNotEqualTo(JobState.FAILED);
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);
        assertThat(job(id).state()).as("two within a minute neither").isNotEqualTo(JobState.FAILED);
        clock.advance(Duration.ofSeconds(30));
        driver.step(id);
        assertThat(job(id).state()).as("three, but within 90 s of the first").isNotEqualTo(JobState.FAILED);
        assertThat(ledger.balance(u.id()).held()).isEqualTo(5);

        clock.advance(Duration.ofSeconds(30));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_task_not_found");
        assertThat(job(id).errorMessage()).contains("404").contains("credits were released");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
        assertThat(scheduler.getScheduledExecution(TaskInstanceId.of("generation-late-delivery", id)))
                .as("KIE may know the task after all: its result is asked for later, free of charge")
                .isPresent();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /**
     * The answer that makes the 404s persist reaches the job by two paths at once (its task's poll and
     * a provider callback): the job fails once, its credits are released once, one failure is published.
     */
    @Test
    void aPollAndACallbackMeetingAPersisting404AtOnceFailTheJobOnce() throws Exception {
        TestUser u = users.create(100);
        String task = "t-404-race-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, aResponse().withStatus(404).withBody("{\"code\":404,\"message\":\"task not found\"}"));
        driver.step(id);
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);
        clock.advance(Duration.ofMinutes(1));
        String token = job(id).callbackToken();

        List<Object> both =
                Concurrently.run(() -> driver.step(id), () -> callbacks.onProviderCallback(id, token, task));
        assertThat(both.get(1)).isEqualTo(CallbackOutcome.CHECKED);
        awaitCallbackChecked(id); // the callback's query runs after its answer, racing the step all the same

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_task_not_found");
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(jdbc.sql("""
                        select count(*) from scheduled_tasks
                         where task_name = 'durable-event' and task_instance = :instance""")
                        .param("instance", "test.generation-failed:generation-finished:" + id)
                        .query(Long.class)
                        .single())
                .as("one failure published")
                .isEqualTo(1);
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void a422NamingOurTaskIdPersistingFailsTheJobLikeA404() {
        TestUser u = users.create(100);
        String task = "t-422-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, aResponse().withStatus(200).withBody("{\"code\":422,\"message\":\"taskId is invalid\"}"));

        driver.step(id);
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);
        assertThat(job(id).state()).isNotEqualTo(JobState.FAILED);
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_task_not_found");
        assertThat(job(id).errorMessage()).contains("422");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
    }

    @Test
    void aRecordBetween404sStartsTheirCountAgain() {
        TestUser u = users.create(100);
        String task = "t-404-gap-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, aResponse().withStatus(404).withBody("{\"code\":404,\"message\":\"task not found\"}"));
        driver.step(id);
        clock.advance(Duration.ofMinutes(2));
        driver.step(id);

        recordInfo(task, okJson(record(task, "\"state\":\"generating\",\"progress\":40")));
        clock.advance(Duration.ofSeconds(30));
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.RUNNING);

        recordInfo(task, aResponse().withStatus(404).withBody("{\"code\":404,\"message\":\"task not found\"}"));
        clock.advance(Duration.ofSeconds(30));
        driver.step(id);
        clock.advance(Duration.ofSeconds(30));
        driver.step(id);
        assertThat(job(id).state())
                .as("two 404s since the record: the earlier ones do not count")
                .isEqualTo(JobState.RUNNING);
        assertThat(ledger.balance(u.id()).held()).isEqualTo(5);
    }

    @Test
    void a404RightAfterCreateTaskThenTheRecordIsAnOrdinarySuccess() throws IOException {
        TestUser u = users.create(100);
        String task = "t-404-then-ok-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, aResponse().withStatus(404).withBody("{\"code\":404,\"message\":\"task not found\"}"));
        driver.step(id);
        driver.step(id);

        String file = "/files/" + task + ".png";
        KIE.stubFor(get(file)
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        recordInfo(task, okJson(record(task, "\"state\":\"success\",\"resultJson\":\"" + resultJson(file) + "\"")));
        clock.advance(Duration.ofSeconds(10));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
    }

    /**
     * A success whose result URLs begin with ones we never fetch (not http or https) is delivered from
     * the first one we do fetch, not failed as refused while a usable result is listed.
     */
    @Test
    void aSuccessListingUnfetchableUrlsBeforeAnHttpOneIsDeliveredFromTheHttpOne() throws IOException {
        TestUser u = users.create(100);
        String task = "t-odd-urls-" + UUID.randomUUID();
        String id = submitted(u, task);
        String file = "/files/" + task + ".png";
        KIE.stubFor(get(file)
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        String urls = "{\\\"resultUrls\\\":[\\\"file:///etc/passwd\\\",\\\"\\\",\\\"ftp://files.example/a.png\\\",\\\""
                + KIE.baseUrl() + file + "\\\"]}";
        recordInfo(task, okJson(record(task, "\"state\":\"success\",\"resultJson\":\"" + urls + "\"")));

        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
    }

    /**
     * A record of another task (a caching proxy that drops the query string, a mix-up at KIE) is not
     * this job's: its result may be another user's image. It is asked again, never delivered.
     */
    @Test
    void aSuccessRecordOfAnotherTaskIsNotThisJobsResult() throws IOException {
        TestUser u = users.create(100);
        String task = "t-mine-" + UUID.randomUUID();
        String id = submitted(u, task);
        String file = "/files/someone-elses-" + task + ".png";
        KIE.stubFor(get(file)
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        recordInfo(
                task,
                okJson(record(
                        "t-theirs-" + UUID.randomUUID(),
                        "\"state\":\"success\",\"resultJson\":\"" + resultJson(file) + "\"")));

        driver.step(id);

        assertThat(job(id).state()).isNotEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(u.id())).as("nothing charged").isEqualTo(new Balance(100, 5, 0));
    }

    @Test
    void aSuccessWithoutResultUrlsIsAskedAgainAndItsResultChargedWhenItComes() throws IOException {
        TestUser u = users.create(100);
        String task = "t-no-urls-yet-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, okJson(record(task, "\"state\":\"success\"")));
        driver.step(id);
        assertThat(job(id).state()).as("a record maybe still being written").isNotEqualTo(JobState.FAILED);
        recordInfo(task, okJson(record(task, "\"state\":\"success\",\"resultJson\":\"{}\"")));
        clock.advance(Duration.ofSeconds(5));
        driver.step(id);
        assertThat(job(id).state()).isNotEqualTo(JobState.FAILED);

        String file = "/files/" + task + ".png";
        KIE.stubFor(get(file)
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png())));
        recordInfo(task, okJson(record(task, "\"state\":\"success\",\"resultJson\":\"" + resultJson(file) + "\"")));
        clock.advance(Duration.ofSeconds(5));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(95, 0, 0));
    }

    @Test
    void aSuccessThatKeepsLackingResultUrlsFailsTheJobAndAsksForItsResultLater() {
        TestUser u = users.create(100);
        String task = "t-no-urls-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, okJson(record(task, "\"state\":\"success\",\"resultJson\":\"{\\\"resultUrls\\\":[]}\"")));

        driver.step(id);
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);
        assertThat(job(id).state()).isNotEqualTo(JobState.FAILED);
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_no_output");
        assertThat(job(id).errorMessage()).contains("without a file").contains("credits were released");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(scheduler.getScheduledExecution(TaskInstanceId.of("generation-late-delivery", id)))
                .isPresent();
    }

    /**
     * A 200 whose record has no state (no {@code data}, a null or a blank {@code state}) tells as little
     * as a 404: asked again, and the job fails only when such answers persist, with a code that says so,
     * its task asked for a result later.
     */
    @Test
    void aRecordWithoutAStateThatPersistsFailsTheJobAndAsksForItsResultLater() {
        TestUser u = users.create(100);
        String task = "t-no-state-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, okJson("{\"code\":200,\"msg\":\"success\"}"));
        driver.step(id);
        assertThat(job(id).state())
                .as("one answer without a state proves nothing")
                .isNotEqualTo(JobState.FAILED);
        recordInfo(task, okJson(record(task, "\"state\":null")));
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);
        assertThat(job(id).state()).isNotEqualTo(JobState.FAILED);
        assertThat(ledger.balance(u.id()).held()).isEqualTo(5);
        recordInfo(task, okJson(record(task, "\"state\":\" \"")));
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_record_without_state");
        assertThat(job(id).errorMessage())
                .contains("without the generation's state")
                .contains("credits were released");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
        assertThat(imageCooldown(u)).as("not the user's fault").isEmpty();
        assertThat(scheduler.getScheduledExecution(TaskInstanceId.of("generation-late-delivery", id)))
                .as("KIE may have the task after all: its result is asked for later, free of charge")
                .isPresent();
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /** A record with a state read between answers without one starts their count again. */
    @Test
    void aRecordWithAStateBetweenAnswersWithoutOneStartsTheirCountAgain() {
        TestUser u = users.create(100);
        String task = "t-no-state-gap-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, okJson(record(task, "\"progress\":10")));
        driver.step(id);
        clock.advance(Duration.ofMinutes(2));
        driver.step(id);
        recordInfo(task, okJson(record(task, "\"state\":\"generating\",\"progress\":40")));
        clock.advance(Duration.ofSeconds(30));
        driver.step(id);
        recordInfo(task, okJson(record(task, "\"progress\":50")));
        clock.advance(Duration.ofSeconds(30));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.RUNNING);
        assertThat(ledger.balance(u.id()).held()).isEqualTo(5);
    }

    /**
     * A {@code state} that is not text (a number, an object, an array, a boolean) names no state KIE
     * has: it counts like a record without a state, never as a task still running until the deadline.
     */
    @Test
    void aStateThatIsNotTextCountsLikeARecordWithoutAState() {
        TestUser u = users.create(100);
        String task = "t-odd-state-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, okJson(record(task, "\"state\":3,\"progress\":20")));
        driver.step(id);
        assertThat(job(id).state()).as("one proves nothing").isNotEqualTo(JobState.FAILED);
        recordInfo(task, okJson(record(task, "\"state\":{\"name\":\"generating\"}")));
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);
        assertThat(job(id).state()).isNotEqualTo(JobState.FAILED);
        assertThat(job(id).state()).as("no running state was read").isEqualTo(JobState.SUBMITTED);
        recordInfo(task, okJson(record(task, "\"state\":[\"generating\"]")));
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);

        assertThat(job(id).state()).isEqualTo(JobState.FAILED);
        assertThat(job(id).errorCode()).isEqualTo("provider_record_without_state");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
        assertThat(entries(id, "RELEASE")).isEqualTo(1);
        assertThat(scheduler.getScheduledExecution(TaskInstanceId.of("generation-late-delivery", id)))
                .as("then its result is asked for later, as after any persisting gap")
                .isPresent();
    }

    /**
     * A recordInfo 505 (KIE's "feature disabled") means the job's task cannot be followed: operators
     * are alerted as for a createTask 505 (kind {@code provider.feature-disabled}), once per job however
     * often the answer repeats, and the job is asked again (the feature may come back) until its deadline.
     */
    @Test
    void a505FromRecordInfoAlertsOperatorsOncePerJob() {
        TestUser u = users.create(100);
        String task = "t-505-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, okJson("{\"code\":505,\"message\":\"feature disabled " + task + "\"}"));

        driver.step(id);
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);
        clock.advance(Duration.ofMinutes(1));
        driver.step(id);

        assertThat(featureDisabledAlerts(id))
                .as("one alert for the job, not one per answer")
                .isEqualTo(1);
        assertThat(alerts.recent(50))
                .filteredOn(a -> a.kind().equals("provider.feature-disabled")
                        && a.message().contains(id))
                .singleElement()
                .satisfies(a -> assertThat(a.message()).contains(task).contains("505"));
        assertThat(job(id).state()).as("asked again: the feature may come back").isNotEqualTo(JobState.FAILED);
        assertThat(ledger.balance(u.id()).held()).isEqualTo(5);
    }

    /** The job's poll and a callback meeting the 505 at once raise one alert between them. */
    @Test
    void aPollAndACallbackMeetingA505AtOnceRaiseOneAlert() throws Exception {
        TestUser u = users.create(100);
        String task = "t-505-race-" + UUID.randomUUID();
        String id = submitted(u, task);
        recordInfo(task, okJson("{\"code\":505,\"message\":\"feature disabled\"}"));
        String token = job(id).callbackToken();

        Concurrently.run(() -> driver.step(id), () -> callbacks.onProviderCallback(id, token, task));
        awaitCallbackChecked(id);

        assertThat(featureDisabledAlerts(id)).isEqualTo(1);
    }

    /** The provider not coping (or our key refused) says nothing about the task: asked again until the deadline. */
    @Test
    void authRateLimitsAndServerErrorsAreAskedAgainUntilTheDeadline() {
        TestUser u = users.create(100);
        String task = "t-transient-" + UUID.randomUUID();
        String id = submitted(u, task);
        int[] statuses = {401, 429, 455, 500, 502, 503, 402, 505};
        for (int status : statuses) {
            recordInfo(task, aResponse().withStatus(200).withBody("{\"code\":" + status + ",\"message\":\"not now\"}"));
            clock.advance(Duration.ofMinutes(1));
            driver.step(id);
            assertThat(job(id).state()).as("after %d", status).isNotEqualTo(JobState.FAILED);
            providerStatus.clear("test: a 402 trips the provider status");
        }
        assertThat(ledger.balance(u.id()).held()).isEqualTo(5);
    }

    private String submitted(TestUser u, String task) {
        String prompt = "record info " + task;
        createTaskAnswers(prompt, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"}}");
        String id = accept(u, prompt);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        assertThat(job(id).providerTaskId()).isEqualTo(task);
        return id;
    }

    private static void recordInfo(String task, ResponseDefinitionBuilder answer) {
        KIE.stubFor(get(urlPathEqualTo(RECORD_INFO))
                .withQueryParam("taskId", equalTo(task))
                .willReturn(answer.withHeader("Content-Type", "application/json")));
    }

    private static String record(String task, String fields) {
        return "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"," + fields + "}}";
    }

    private static String resultJson(String file) {
        return "{\\\"resultUrls\\\":[\\\"" + KIE.baseUrl() + file + "\\\"]}";
    }

    private long featureDisabledAlerts(String jobId) {
        return jdbc.sql("""
                        select count(*) from operator_alert
                         where kind = 'provider.feature-disabled' and strpos(message, :job) > 0""").param("job", jobId).query(Long.class).single();
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

package dev.renderbank.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.renderbank.bank.BankMailRules;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.ProviderCallbacks;
import dev.renderbank.generation.internal.CallbackChecks;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobStore;
import dev.renderbank.generation.internal.Sweeper;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.storage.AssetStore;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A video past its deadline is failed and its credits released, and the user is told so by email.
 * When the provider delivers it after all, the result is the user's, free of charge (SPEC section
 * 4): the user is told that too, by its own email, once, however often and however concurrently the
 * provider's callback comes, and a webhook endpoint that asked for {@code generation.late_delivery}
 * gets it once. A deleted account's late result is neither stored nor mailed. Real SMTP (GreenMail),
 * the built-in KIE simulator, a WireMock webhook receiver.
 */
class LateDeliveryMailTest extends IntegrationTest {

    static final Inbox inbox = new Inbox();
    static final WireMockServer receiver =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    static final String PASSWORD = "correct horse battery staple";

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> inbox.port);
        r.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "2000");
        r.add("spring.mail.properties.mail.smtp.timeout", () -> "2000");
        r.add("renderbank.mail.send-interval", () -> "200ms");
        r.add("renderbank.public-url", () -> "https://app.test.example");
        r.add("renderbank.limits.cooldown.video", () -> "0");
        r.add("renderbank.limits.in-flight.video", () -> "0");
        r.add("renderbank.jobs.first-poll", () -> "300ms");
        r.add("renderbank.jobs.max-poll", () -> "1s");
    }

    @BeforeAll
    static void up() {
        inbox.start();
        receiver.start();
    }

    @AfterAll
    static void down() {
        inbox.stop();
        receiver.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    KieSimulator simulator;

    @Autowired
    JobStore jobs;

    @Autowired
    Sweeper sweeper;

    @Autowired
    ProviderCallbacks callbacks;

    @Autowired
    CallbackChecks callbackChecks;

    @Autowired
    AccountDeletion deletion;

    @Autowired
    AssetStore assets;

    @Autowired
    JdbcClient jdbc;

    Api api;

    @BeforeEach
    void slowProvider() {
        api = new Api(port);
        simulator.setFailureRate(0);
        simulator.setVideoDuration(Duration.ofHours(2));
        receiver.resetAll();
        receiver.stubFor(post(urlEqualTo("/hooks")).willReturn(aResponse().withStatus(204)));
    }

    @AfterEach
    void providerBack() {
        simulator.setVideoDuration(Duration.ofSeconds(2));
    }

    @Test
    void aResultArrivingAfterTheJobFailedIsMailedOnceAsReadyAndFreeUnderItsOwnKey() throws Exception {
        TestUser u = users.create(100);
        Api.Response registered = api.post(
                "/api/v1/webhook-endpoints",
                u.token(),
                "{\"url\":\"" + receiver.baseUrl()
                        + "/hooks\",\"events\":[\"generation.failed\",\"generation.late_delivery\"]}");
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String taskId = submittedVideo(u);
        failAtDeadline(taskId);
        List<Inbox.Mail> failure = awaitMail(u.email(), 1);
        assertThat(failure.get(0).subject()).doesNotContainIgnoringCase("ready");

        // the provider finishes after all, and its callback comes twice at once, then again
        clock.advance(Duration.ofHours(2));
        Job job = jobs.find(taskId).orElseThrow();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CyclicBarrier start = new CyclicBarrier(2);
        try {
            List<Future<?>> both = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                both.add(pool.submit(() -> {
                    start.await();
                    return callbacks.onProviderCallback(taskId, job.callbackToken(), job.providerTaskId());
                }));
            }
            for (Future<?> f : both) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        callbacks.onProviderCallback(taskId, job.callbackToken(), job.providerTaskId());
        awaitCallbackChecked(taskId);

        JsonNode shown = api.get("/api/v1/generations/" + taskId, u.token()).json();
        assertThat(shown.get("status").asString()).isEqualTo("failed");
        assertThat(shown.get("lateDelivery").asBoolean()).isTrue();
        assertThat(api.download(shown.get("assetUrl").asString(), u.token())).isNotEmpty();
        assertThat(ledger.balance(u.id())).as("never charged").isEqualTo(new Balance(100, 0, 0));

        List<Inbox.Mail> mails = awaitMail(u.email(), 2);
        awaitSettled();
        assertThat(inbox.to(u.email()))
                .as("the failure, then the late result: nothing more")
                .hasSize(2);
        Inbox.Mail late = mails.stream()
                .filter(m -> m.subject().toLowerCase().contains("ready"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ready email among " + mails));
        assertThat(late.text()).contains("late").contains("free of charge");
        assertThat(late.text()).contains("https://app.test.example/creations/" + taskId);
        assertThat(outboxKeys(u)).containsExactlyInAnyOrder("generation:" + taskId, "generation-late:" + taskId);

        await().atMost(Duration.ofSeconds(15)).until(() -> hooks("generation.late_delivery", taskId) == 1);
        JsonNode hook = JsonMapper.shared().readTree(receivedBody("generation.late_delivery", taskId));
        assertThat(hook.path("data").path("status").asString()).isEqualTo("failed");
        assertThat(hook.path("data").path("lateDelivery").asBoolean()).isTrue();
        assertThat(hook.path("data").path("assetUrl").asString()).isNotEmpty();
        assertThat(hooks("generation.failed", taskId)).isEqualTo(1);
        awaitSettled();
        assertThat(hooks("generation.late_delivery", taskId)).as("once").isEqualTo(1);

        // the bank test's verdict on emails: this is right; a second late email would not be
        assertThat(mailViolations(taskId)).isEmpty();
        plantCopyOfLateMail(taskId, "generation-late:", "|user:copy-");
        assertThat(mailViolations(taskId)).anyMatch(v -> v.startsWith("a job with more than one late-delivery email"));
        plantCopyOfLateMail(taskId, "generation:", "|user:outcome-");
        assertThat(mailViolations(taskId)).anyMatch(v -> v.startsWith("an email that contradicts its job's outcome"));
        jdbc.sql(
                        "delete from mail_outbox where message_key like '%|user:copy-%' or message_key like '%|user:outcome-%'")
                .update();
    }

    private List<String> mailViolations(String taskId) {
        return BankMailRules.violations(jdbc).stream()
                .filter(v -> v.contains(taskId))
                .toList();
    }

    /** A copy of the job's late email under {@code cause}, to another recipient key (never sent: HELD). */
    private void plantCopyOfLateMail(String taskId, String cause, String recipient) {
        assertThat(jdbc.sql("""
                                insert into mail_outbox (message_key, template, recipient, user_id, subject, body_text,
                                                         body_html, status, attempts, next_attempt_at, created_at)
                                select replace(replace(message_key, 'generation-late:', :cause), '|user:', :recipient),
                                       template, recipient, user_id, subject, body_text, body_html, 'HELD', 0,
                                       next_attempt_at, created_at
                                  from mail_outbox where message_key = 'generation-late:' || :j || '|user:' || user_id || '|email'""")
                        .param("cause", cause)
                        .param("recipient", recipient)
                        .param("j", taskId)
                        .update())
                .isEqualTo(1);
    }

    @Test
    void aDeletedAccountsLateResultIsNeitherStoredNorMailed() throws Exception {
        TestUser u = users.create(100);
        String taskId = submittedVideo(u);
        // the provider cannot cancel: the deletion fails the job, its result comes later all the same
        assertThat(deletion.delete(u.id(), PASSWORD)).isInstanceOf(DeletionOutcome.Deleted.class);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> jobs.find(taskId).orElseThrow().state() == JobState.FAILED);
        awaitSettled();
        clock.advance(Duration.ofHours(3));
        Job job = jobs.find(taskId).orElseThrow();
        callbacks.onProviderCallback(taskId, job.callbackToken(), job.providerTaskId());
        callbacks.onProviderCallback(taskId, job.callbackToken(), job.providerTaskId());
        awaitCallbackChecked(taskId);
        awaitSettled();

        Job after = jobs.find(taskId).orElseThrow();
        assertThat(after.assetId()).isNull();
        assertThat(after.lateDelivery()).isFalse();
        assertThat(jdbc.sql("select count(*) from generation_asset where job_id = :j")
                        .param("j", taskId)
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(assets.open("jobs/" + u.id() + "/" + taskId + ".mp4"))
                .as("no file kept")
                .isEmpty();
        assertThat(outboxKeys(u)).noneMatch(k -> k.startsWith("generation-late:"));
    }

    private String submittedVideo(TestUser u) {
        Api.Response r = api.post("/api/v1/generate-video", u.token(), "{\"model\":\"sora-2\",\"prompt\":\"slow\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String taskId = r.json().get("taskId").asString();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jobs.find(taskId).orElseThrow().providerTaskId() != null);
        return taskId;
    }

    private void failAtDeadline(String taskId) {
        clock.advance(Duration.ofMinutes(46));
        sweeper.sweep();
        assertThat(jobs.find(taskId).orElseThrow().state()).isEqualTo(JobState.FAILED);
    }

    private List<Inbox.Mail> awaitMail(String to, int count) {
        await().atMost(Duration.ofSeconds(15)).until(() -> inbox.to(to).size() >= count);
        return inbox.to(to);
    }

    /** Nothing pending: no event handler left to run, no email left to send. */
    /** A callback is answered first; its provider query and the copy follow on {@link CallbackChecks}' threads. */
    private void awaitCallbackChecked(String taskId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> callbackChecks.idle(taskId));
    }

    private void awaitSettled() {
        await().atMost(Duration.ofSeconds(15))
                .until(() -> jdbc.sql("""
                                select (select count(*) from mail_outbox where status = 'PENDING')
                                     + (select count(*) from scheduled_tasks where task_name = 'durable-event')""").query(Long.class).single() == 0);
    }

    /** The causes of the user's outbox emails about generations. */
    private List<String> outboxKeys(TestUser u) {
        return jdbc.sql("select split_part(message_key, '|', 1) from mail_outbox where user_id = :u"
                        + " and message_key like 'generation%'")
                .param("u", u.id())
                .query(String.class)
                .list();
    }

    private long hooks(String type, String taskId) {
        return received(type, taskId).size();
    }

    private String receivedBody(String type, String taskId) {
        return received(type, taskId).get(0).getBodyAsString();
    }

    private List<LoggedRequest> received(String type, String taskId) {
        return receiver.findAll(postRequestedFor(urlEqualTo("/hooks"))).stream()
                .filter(r -> r.getBodyAsString().contains("\"type\":\"" + type + "\"")
                        && r.getBodyAsString().contains(taskId))
                .toList();
    }
}

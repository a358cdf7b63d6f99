package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.renderbank.generation.internal.CallbackChecks;
import dev.renderbank.generation.internal.Job;
import dev.renderbank.generation.internal.JobDriver;
import dev.renderbank.generation.internal.JobStore;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.platform.DurableEvent;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.ProviderStatus;
import dev.renderbank.provider.internal.ProviderTestSupport;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The whole application against a WireMock KIE, with the job task never picked up by the scheduler
 * (polled once an hour, no immediate execution): tests drive a job step by step through {@link
 * JobDriver#step}, so "how often was createTask called" has one answer whatever a scheduler would
 * have done. Subclasses share one application context and one WireMock server.
 */
@TestPropertySource(
        properties = {
            "db-scheduler.immediate-execution-enabled=false",
            "db-scheduler.polling-interval=1h",
            "renderbank.download.allow-private-hosts=true",
            "renderbank.provider.kie.read-timeout=3s",
            // a dripping answer is cut after this (DrippedProviderAnswerTest); every stubbed answer
            // here comes within it
            "renderbank.provider.kie.total-timeout=5s",
            "renderbank.events.heartbeat=200ms",
            // streams learn of changes from notifications; the periodic re-read must not hide their absence
            "renderbank.events.reread-interval=1m",
            "renderbank.events.max-per-user=3"
        })
@Import(StubbedKieTest.FinishListeners.class)
abstract class StubbedKieTest extends IntegrationTest {

    static final String CREATE = "/api/v1/jobs/createTask";
    static final WireMockServer KIE =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());

    static {
        // never stopped: a cached context of a later subclass still points at it
        KIE.start();
    }

    @DynamicPropertySource
    static void kie(DynamicPropertyRegistry r) {
        r.add("renderbank.provider.kie.base-url", KIE::baseUrl);
        r.add("renderbank.provider.kie.api-key", () -> "test-kie-key");
    }

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    JobDriver driver;

    @Autowired
    JobStore jobs;

    @Autowired
    ProviderStatus providerStatus;

    @Autowired
    OperatorAlerts alerts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ProviderGateway gateway;

    @Autowired
    CallbackChecks callbackChecks;

    Api api;

    @BeforeEach
    void resetKie() {
        api = new Api(port);
        KIE.resetAll();
        providerStatus.clear("test reset");
        ProviderTestSupport.resetBreaker(gateway);
    }

    static String image(String prompt) {
        return "{\"model\":\"nano-banana\",\"prompt\":\"" + prompt + "\"}";
    }

    String accept(TestUser u, String prompt) {
        Api.Response r = api.post("/api/v1/generate-image", u.token(), image(prompt));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("taskId").asString();
    }

    static void createTaskAnswers(String prompt, ResponseDefinitionBuilder answer) {
        KIE.stubFor(post(CREATE).withRequestBody(containing(prompt)).willReturn(answer));
    }

    static void createTaskAnswers(String prompt, int status, String body) {
        ResponseDefinitionBuilder answer = aResponse().withStatus(status);
        if (body != null) {
            answer = answer.withHeader("Content-Type", "application/json").withBody(body);
        }
        createTaskAnswers(prompt, answer);
    }

    static int createTaskCalls(String prompt) {
        return KIE.countRequestsMatching(postRequestedFor(urlPathEqualTo(CREATE))
                        .withRequestBody(containing(prompt))
                        .build())
                .getCount();
    }

    /**
     * Waits until the check a callback set off for the job has ended: the callback is answered first,
     * and the provider query and result copy follow on {@link CallbackChecks}' threads.
     */
    void awaitCallbackChecked(String jobId) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> callbackChecks.idle(jobId));
    }

    /** The job as stored (the state machine's own fields included). */
    Job job(String taskId) {
        return jobs.find(taskId).orElseThrow();
    }

    HoldState hold(String taskId) {
        return ledger.hold(taskId).orElseThrow().state();
    }

    /** The user's image cooldown end, empty when there is none (never started, or given back). */
    Optional<Instant> imageCooldown(TestUser u) {
        return jdbc.sql("select cooldown_until from generation_limit where user_id = :u and type = 'IMAGE'")
                .param("u", u.id())
                .query((rs, n) -> Optional.ofNullable(rs.getObject("cooldown_until", OffsetDateTime.class))
                        .map(OffsetDateTime::toInstant))
                .optional()
                .flatMap(o -> o);
    }

    /**
     * Listeners of finished jobs, so that finishing publishes (nobody listens in production yet); they
     * never run here, the scheduler does not poll ({@link GenerationFinishedEventsTest}).
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class FinishListeners {

        @Bean
        DurableEventHandler<GenerationSucceeded> testSucceededListener() {
            return new Listener<>("test.generation-succeeded", GenerationSucceeded.class);
        }

        @Bean
        DurableEventHandler<GenerationFailed> testFailedListener() {
            return new Listener<>("test.generation-failed", GenerationFailed.class);
        }
    }

    record Listener<E extends DurableEvent>(String name, Class<E> eventType) implements DurableEventHandler<E> {
        @Override
        public void handle(E event) {}
    }
}

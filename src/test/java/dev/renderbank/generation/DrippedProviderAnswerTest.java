package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldState;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A provider (or a proxy before it) that drips its answer a few bytes at a time, each pause within
 * the read timeout (3 s here), holds a submit or poll thread no longer than the provider's total
 * timeout ({@code renderbank.provider.kie.total-timeout}, 5 s here): the call is cut then. A cut
 * createTask leaves the job UNKNOWN (it was sent: a task may exist), never sent again; a cut
 * recordInfo is a poll that failed for now, asked again later.
 */
class DrippedProviderAnswerTest extends StubbedKieTest {

    static final String RECORD_INFO = "/api/v1/jobs/recordInfo";

    /** Pauses of 0.6 s, 12 s in all: far past the total timeout, each pause within the read timeout. */
    static final int CHUNKS = 20;

    static final int DRIP_MILLIS = 12_000;

    /** The total timeout (5 s), and two seconds for the step's own writes on a loaded machine. */
    static final Duration STEP_ENDS_WITHIN = Duration.ofSeconds(7);

    @Test
    void aCreateTaskAnswerDrippedPastTheTotalTimeoutLeavesTheJobUnknownAndItIsNeverSentAgain() {
        TestUser u = users.create(100);
        String p = "dripped-create-" + UUID.randomUUID();
        createTaskAnswers(
                p,
                okJson("{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"t-drip-" + p + "\"}}")
                        .withChunkedDribbleDelay(CHUNKS, DRIP_MILLIS));
        String id = accept(u, p);

        Optional<Instant> next = timedStep(id);

        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(next).as("looked at again (callback, deadline)").isPresent();
        clock.advance(Duration.ofMinutes(5));
        driver.step(id);
        assertThat(createTaskCalls(p)).as("a task may exist: never sent again").isEqualTo(1);
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));
    }

    @Test
    void aRecordInfoAnswerDrippedPastTheTotalTimeoutIsAskedAgainLater() {
        TestUser u = users.create(100);
        String task = "t-drip-poll-" + UUID.randomUUID();
        String p = "dripped-poll " + task;
        createTaskAnswers(p, 200, "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\"}}");
        String id = accept(u, p);
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.SUBMITTED);
        recordInfo(task, okJson(generating(task)).withChunkedDribbleDelay(CHUNKS, DRIP_MILLIS));

        Optional<Instant> next = timedStep(id);

        assertThat(job(id).state()).as("nothing learned of the task").isEqualTo(JobState.SUBMITTED);
        assertThat(next).as("asked again later").isPresent();
        assertThat(hold(id)).isEqualTo(HoldState.OPEN);

        recordInfo(task, okJson(generating(task)));
        clock.advance(Duration.between(clock.instant(), next.get()));
        driver.step(id);
        assertThat(job(id).state()).isEqualTo(JobState.RUNNING);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 5, 0));
    }

    private Optional<Instant> timedStep(String id) {
        return timed(() -> driver.step(id));
    }

    private static <T> T timed(Supplier<T> call) {
        long start = System.nanoTime();
        T result = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("the provider call is cut at the total timeout, not when the dripping answer is whole")
                .isLessThan(STEP_ENDS_WITHIN);
        return result;
    }

    private static String generating(String task) {
        return "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"" + task + "\",\"state\":\"generating\"}}";
    }

    private static void recordInfo(String task, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder a) {
        KIE.stubFor(get(urlPathEqualTo(RECORD_INFO))
                .withQueryParam("taskId", equalTo(task))
                .willReturn(a));
    }
}

package dev.renderbank.generation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.Task;
import dev.renderbank.support.TestUsers.TestUser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Issue 14, scale-out: a job's durable task runs on one node at a time, and when the node running
 * it dies, the node that takes it over never sends the job to the provider again (KIE has no
 * idempotency key: a second createTask is a second paid task). The nodes here are db-scheduler
 * instances of their own on the application's database, running the application's job task (this
 * context's own scheduler does not poll, see {@link StubbedKieTest}).
 */
class ScaleOutSchedulingTest extends StubbedKieTest {

    private static final String ACCEPTED = "{\"code\":200,\"msg\":\"success\",\"data\":{\"taskId\":\"%s\"}}";

    @Autowired
    DataSource dataSource;

    @Autowired
    @Qualifier("generationJobTask")
    Task<String> jobTask;

    private final List<Scheduler> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(Scheduler::stop);
    }

    @Test
    void twoNodesRacingForTheSameDueJobSendItToTheProviderOnce() {
        String prompt = "raced by two nodes";
        // slow enough that a second run would start while the first is still at the provider (and
        // well within the 3 s read timeout)
        createTaskAnswers(
                prompt,
                aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(ACCEPTED.formatted("kie-raced"))
                        .withFixedDelay(300));
        TestUser u = users.create(100);
        String id = accept(u, prompt);

        Scheduler a = node("node-a", Duration.ofSeconds(20));
        Scheduler b = node("node-b", Duration.ofSeconds(20));
        a.start();
        b.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> job(id).state() != JobState.RESERVED);
        assertThat(createTaskCalls(prompt)).isEqualTo(1);
    }

    @Test
    void aSubmitCutShortByADeadNodeIsNeverSentAgainByTheNodeThatTakesOver() {
        String prompt = "orphaned by a dead node";
        createTaskAnswers(prompt, 200, ACCEPTED.formatted("kie-second-task"));
        TestUser u = users.create(100);
        String id = accept(u, prompt);
        // node A picked the job's task, marked the submit as started (and may have sent createTask),
        // then died: no more heartbeats
        assertThat(jdbc.sql("update generation_job set submit_started_at = now(), attempts = attempts + 1"
                                + " where id = :id and state = 'RESERVED'")
                        .param("id", id)
                        .update())
                .isEqualTo(1);
        assertThat(jdbc.sql("update scheduled_tasks set picked = true, picked_by = 'node-a',"
                                + " last_heartbeat = now() - interval '1 hour', version = version + 1"
                                + " where task_name = 'generation-job' and task_instance = :id")
                        .param("id", id)
                        .update())
                .isEqualTo(1);

        // a minute later: longer than any submit waits for its answer
        clock.advance(gateway.submitTimeLimit().plus(Duration.ofMinutes(1)));
        node("node-b", Duration.ofMillis(100)).start();

        await().atMost(Duration.ofSeconds(20)).until(() -> job(id).state() != JobState.RESERVED);
        assertThat(createTaskCalls(prompt))
                .as("createTask calls by the node that took over")
                .isZero();
        assertThat(job(id).state()).isEqualTo(JobState.UNKNOWN);
        assertThat(pickedBy(id)).isNotEqualTo("node-a");
        assertThat(hold(id))
                .as("the credits stay held until a callback or the deadline decides")
                .isNotNull();
    }

    private String pickedBy(String id) {
        return jdbc.sql("select coalesce(picked_by, '') from scheduled_tasks"
                        + " where task_name = 'generation-job' and task_instance = :id")
                .param("id", id)
                .query(String.class)
                .optional()
                .orElse("(done)");
    }

    /** One more node: a scheduler on the shared database that notices dead nodes after 4 heartbeats. */
    private Scheduler node(String name, Duration heartbeat) {
        Scheduler s = Scheduler.create(dataSource, List.of(jobTask))
                .schedulerName(new SchedulerName.Fixed(name))
                .tableName("scheduled_tasks")
                .threads(2)
                .pollingInterval(Duration.ofMillis(50))
                .heartbeatInterval(heartbeat)
                .missedHeartbeatsLimit(4)
                .shutdownMaxWait(Duration.ofSeconds(5))
                .build();
        nodes.add(s);
        return s;
    }
}

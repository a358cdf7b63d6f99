package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.provider.simulator.KieSimulator;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 15, work item 2: the application commits at most three times per job from the accept to
 * SUBMITTED, the job's task waiting for its first poll included. Counted, not timed: triggers on
 * {@code generation_job} and on the job's row of {@code scheduled_tasks} write down the transaction
 * id of every change to a job's rows, and the test counts the distinct ids of each job up to (and
 * including) the one that leaves it SUBMITTED with its task waiting. A transaction that rolls back
 * takes its notes with it, so only commits count; the built-in simulator's own writes touch neither
 * table and are not counted.
 */
class CommitsPerJobTest extends IntegrationTest {

    private static final int JOBS = 10;

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    KieSimulator simulator;

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void watchJobRows() {
        // the simulator never finishes: nothing after SUBMITTED but the scheduled polls
        simulator.setImageDuration(Duration.ofHours(1));
        jdbc.sql("""
                create table if not exists test_job_commit (
                    seq bigserial primary key, xid bigint not null, job_id text not null,
                    tbl text not null, state text, picked boolean)""").update();
        jdbc.sql("""
                create or replace function test_note_job_commit() returns trigger language plpgsql as $$
                begin
                  if tg_table_name = 'generation_job' then
                    insert into test_job_commit (xid, job_id, tbl, state)
                    values (txid_current(), new.id, tg_table_name, new.state);
                  elsif new.task_name = 'generation-job' then
                    insert into test_job_commit (xid, job_id, tbl, picked)
                    values (txid_current(), new.task_instance, tg_table_name, new.picked);
                  end if;
                  return new;
                end $$""").update();
        for (String table : List.of("generation_job", "scheduled_tasks")) {
            jdbc.sql("create trigger test_note_job_commit after insert or update on " + table
                            + " for each row execute function test_note_job_commit()")
                    .update();
        }
    }

    @AfterEach
    void stopWatching() {
        for (String table : List.of("generation_job", "scheduled_tasks")) {
            jdbc.sql("drop trigger if exists test_note_job_commit on " + table).update();
        }
        jdbc.sql("drop function if exists test_note_job_commit()").update();
        jdbc.sql("drop table if exists test_job_commit").update();
        simulator.reset();
    }

    @Test
    void atMostThreeCommitsPerJobFromAcceptToSubmitted() {
        Api api = new Api(port);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            TestUsers.TestUser u = users.create(100);
            Api.Response r = api.post(
                    "/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"count " + i + "\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            ids.add(r.json().get("taskId").asString());
        }

        Map<String, Integer> commits = new LinkedHashMap<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : ids) {
                Optional<Integer> counted = commitsToSubmitted(id);
                assertThat(counted)
                        .as("job %s submitted with its task waiting", id)
                        .isPresent();
                commits.put(id, counted.get());
            }
        });
        int total = commits.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("commits per job from accept to SUBMITTED: %s (%d jobs, %d commits)%n", commits, JOBS, total);
        assertThat(commits)
                .allSatisfy((id, n) -> assertThat(n).as("commits of job %s", id).isLessThanOrEqualTo(3));
    }

    /**
     * The job's commits up to the one that leaves it SUBMITTED and its task not picked (the submitted
     * mark, or the reschedule after it); empty while the job has not got there.
     */
    private Optional<Integer> commitsToSubmitted(String id) {
        List<Note> notes = jdbc.sql(
                        "select xid, tbl, state, picked from test_job_commit where job_id = :id order by seq")
                .param("id", id)
                .query((rs, n) -> new Note(rs.getLong("xid"), rs.getString("tbl"), rs.getString("state"), (Boolean)
                        rs.getObject("picked")))
                .list();
        int submitted = -1;
        for (int i = 0; i < notes.size(); i++) {
            if ("SUBMITTED".equals(notes.get(i).state())) {
                submitted = i;
                break;
            }
        }
        if (submitted < 0) {
            return Optional.empty();
        }
        long submittedXid = notes.get(submitted).xid();
        int end = -1;
        for (int i = 0; i < notes.size(); i++) {
            Note n = notes.get(i);
            if (n.tbl().equals("scheduled_tasks")
                    && Boolean.FALSE.equals(n.picked())
                    && (i > submitted || n.xid() == submittedXid)) {
                end = Math.max(i, submitted);
                break;
            }
        }
        if (end < 0) {
            return Optional.empty();
        }
        Set<Long> xids = new LinkedHashSet<>();
        for (int i = 0; i <= end; i++) {
            xids.add(notes.get(i).xid());
        }
        return Optional.of(xids.size());
    }

    private record Note(long xid, String tbl, String state, Boolean picked) {}
}

package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.generation.internal.JobStore;
import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 15: an accept never waits for a database connection behind the submit path. The submits of
 * jobs just accepted (up to {@code renderbank.jobs.submit-concurrency} threads) hold a connection
 * only while they write a mark, but when those writes are slow (a busy disk, a lock) every submit
 * thread could hold one at once and leave the accepting requests none; at most {@code
 * renderbank.jobs.submit-connections} of them may hold one at a time.
 */
class SubmitConnectionBudgetTest extends IntegrationTest {

    /** The advisory lock the submit-started marks wait on in this test. */
    private static final long GATE = 915_015L;

    private static final int JOBS = 48;

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    JobStore jobs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    GenerationProperties props;

    @Test
    void anAcceptGetsAConnectionWhileManySubmitsWaitInTheDatabase() throws Exception {
        Api api = new Api(port);
        String run = "budget-" + System.nanoTime();
        List<TestUser> owners = new ArrayList<>();
        for (int i = 0; i <= JOBS; i++) {
            owners.add(users.create(100));
        }
        List<String> ids = new ArrayList<>();
        try (Connection gate = dataSource.getConnection()) {
            try (Statement s = gate.createStatement()) {
                // every submit-started mark waits in the database until the gate opens, its connection held
                s.execute("""
                        create or replace function test_submit_gate() returns trigger language plpgsql as $$
                        begin
                            perform pg_advisory_xact_lock_shared(%d);
                            return new;
                        end $$""".formatted(GATE));
                s.execute("""
                        create trigger test_submit_gate before update of submit_started_at on generation_job
                        for each row when (old.submit_started_at is null and new.submit_started_at is not null)
                        execute function test_submit_gate()""");
                s.execute("select pg_advisory_lock(" + GATE + ")");
            }
            try {
                ExecutorService clients = Executors.newFixedThreadPool(16);
                try {
                    List<Future<String>> accepted = new ArrayList<>();
                    for (int i = 0; i < JOBS; i++) {
                        TestUser owner = owners.get(i);
                        String prompt = run + "-" + i;
                        accepted.add(clients.submit(() -> accept(api, owner, prompt)));
                    }
                    for (Future<String> f : accepted) {
                        ids.add(f.get());
                    }
                } finally {
                    clients.shutdownNow();
                }
                // the submits of the accepted jobs now wait at the gate, as many as may hold a connection
                AtomicLong waiting = new AtomicLong(-1);
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            long now = gateWaiters();
                            boolean settled = now > 0 && now == waiting.get();
                            waiting.set(now);
                            return settled;
                        });
                await().during(Duration.ofMillis(500))
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> gateWaiters() == waiting.get());
                assertThat(gateWaiters())
                        .as("submits holding a connection at once")
                        .isLessThanOrEqualTo(props.jobs().submitConnections());

                Api.Response r =
                        api.post("/api/v1/generate-image", owners.get(JOBS).token(), image(run + "-last"));
                assertThat(r.status())
                        .as("an accept while the submits wait: " + r.body())
                        .isEqualTo(202);
                ids.add(r.json().get("taskId").asString());
            } finally {
                try (Statement s = gate.createStatement()) {
                    // the gate first: dropping the trigger waits for the updates that wait at the gate
                    s.execute("select pg_advisory_unlock(" + GATE + ")");
                    s.execute("drop trigger if exists test_submit_gate on generation_job");
                    s.execute("drop function if exists test_submit_gate()");
                }
            }
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() ->
                        ids.stream().noneMatch(id -> jobs.find(id).orElseThrow().state() == JobState.RESERVED));
        for (String id : ids) {
            assertThat(jobs.find(id).orElseThrow().providerTaskId())
                    .as("provider task of " + id)
                    .isNotNull();
            assertThat(jdbc.sql("select count(*) from sim_task where callback_url like :job")
                            .param("job", "%/callback/" + id + "?%")
                            .query(Long.class)
                            .single())
                    .as("createTask calls for " + id)
                    .isEqualTo(1L);
        }
    }

    private long gateWaiters() {
        return jdbc.sql("select count(*) from pg_locks where locktype = 'advisory' and objid = :gate and not granted")
                .param("gate", GATE)
                .query(Long.class)
                .single();
    }

    private static String accept(Api api, TestUser owner, String prompt) {
        Api.Response r = api.post("/api/v1/generate-image", owner.token(), image(prompt));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("taskId").asString();
    }

    private static String image(String prompt) {
        return "{\"model\":\"nano-banana\",\"prompt\":\"" + prompt + "\"}";
    }
}

package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.support.TestUsers.TestUser;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

/**
 * Issue 14, scale-out: an event stream open on this node sees a job change committed by another
 * node within a second. The other node is a plain JDBC connection of its own to the same database
 * doing what a node's job engine does (a compare-and-set that bumps the job's version); nothing in
 * this node's memory hears of it. The periodic re-read is an hour away in this context
 * ({@link StubbedKieTest}), so only the database's notifications can bring the change in time.
 */
class JobChangesAcrossNodesTest extends StubbedKieTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);

    @Autowired
    Environment env;

    @Autowired
    MeterRegistry meters;

    private final List<JobEventStreamsTest.Stream> opened = new ArrayList<>();

    @AfterEach
    void closeStreams() {
        opened.forEach(JobEventStreamsTest.Stream::close);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meters.find("renderbank.events.open").gauge().value() == 0);
    }

    @Test
    void aChangeCommittedOnAnotherNodeReachesAnOpenStreamWithinASecond() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(this::listening);
        TestUser u = users.create(100);
        String id = accept(u, "seen across nodes");
        JobEventStreamsTest.Stream s = open(u, id);
        assertThat(s.readUntil(line -> line.startsWith("data:"))).contains("\"status\":\"queued\"");

        assertThat(seenWithin(s, () -> otherNodeStartsRunning(id))).contains("\"status\":\"processing\"");
    }

    @Test
    void afterItsListeningConnectionIsKilledTheNodeListensAgain() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> listenerPids().size() == 1 && listening());
        int killed = listenerPids().get(0);
        TestUser u = users.create(100);
        String id = accept(u, "seen after a lost listener");
        JobEventStreamsTest.Stream s = open(u, id);
        assertThat(s.readUntil(line -> line.startsWith("data:"))).contains("\"status\":\"queued\"");

        otherNode("select pg_terminate_backend(" + killed + ")");
        // a change made while nobody listens: its notification is lost, the re-read after reconnecting is not
        otherNodeStartsRunning(id);
        assertThat(s.readUntil(line -> line.startsWith("data:"))).contains("\"progress\":40");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> listenerPids().size() == 1 && listenerPids().get(0) != killed && listening());
        assertThat(seenWithin(
                        s,
                        () -> otherNode("update generation_job set progress = 70, version = version + 1"
                                + " where id = '" + id + "'")))
                .contains("\"progress\":70");
    }

    /** The next status event, failing unless it arrives within {@link #WITHIN} of {@code change}. */
    private static String seenWithin(JobEventStreamsTest.Stream s, Change change) throws Exception {
        long start = System.nanoTime();
        change.run();
        String line = s.readUntil(l -> l.startsWith("data:"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThanOrEqualTo(WITHIN);
        return line;
    }

    interface Change {
        void run() throws Exception;
    }

    private void otherNodeStartsRunning(String id) throws SQLException {
        otherNode("update generation_job set state = 'RUNNING', progress = 40, version = version + 1,"
                + " updated_at = now() where id = '" + id + "' and state = 'RESERVED'");
    }

    /** One statement on a connection of its own, committed: what another node would do. */
    private void otherNode(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(
                        env.getProperty("spring.datasource.url"),
                        env.getProperty("spring.datasource.username"),
                        env.getProperty("spring.datasource.password"));
                PreparedStatement st = c.prepareStatement(sql)) {
            st.execute();
        }
    }

    private List<Integer> listenerPids() {
        return jdbc.sql("select pid from pg_stat_activity where datname = current_database()"
                        + " and application_name = 'renderbank-job-listener'")
                .query(Integer.class)
                .list();
    }

    private boolean listening() {
        var gauge = meters.find("renderbank.events.listening").gauge();
        return gauge != null && gauge.value() == 1;
    }

    private JobEventStreamsTest.Stream open(TestUser u, String jobId) throws IOException {
        JobEventStreamsTest.Stream s =
                new JobEventStreamsTest.Stream(port, "/api/v1/generations/" + jobId + "/events", u.token());
        opened.add(s);
        assertThat(s.status).isEqualTo(200);
        return s;
    }
}

package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.generation.GenerationProperties;
import dev.renderbank.generation.JobState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Tests of a submit-started mark statement that commits on the server while its answer is lost (the
 * connection dropped before the client read it): {@link AnswerLost}, the submit path's connections,
 * runs the statement it is told to lose and then throws as the driver does then. The marks here are
 * written by {@link #starts}, which writes through those connections; the job's next step by the
 * application's own {@link JobDriver} (the built-in simulator as the provider).
 */
abstract class LostMarkAnswerTest extends GroupCommitTest {

    @Autowired
    GenerationProperties props;

    @Autowired
    SubmitStartedUndo undo;

    @Autowired
    JobDriver driver;

    AnswerLost connections;
    SubmitStartedMarks starts;

    @BeforeEach
    void marksWhoseAnswerCanBeLost() {
        connections = new AnswerLost(props);
        starts = new SubmitStartedMarks(transitions, connections, clock, undo);
    }

    /**
     * Marks {@code first} in a statement held at its row and queues the marks of {@code ids} behind it,
     * so that they go together in the next statement, whose answer is lost; their outcomes, each ended.
     */
    List<Future<Boolean>> lostBehindAFirstStatement(String first, String... ids) throws Exception {
        Future<Boolean> firstMark =
                holdFirstMark(first, () -> starts.mark(first).isPresent(), "set submit_started_at");
        connections.loseNext();
        List<Future<Boolean>> lost = queuedBehindTheFirst(
                List.of(ids).stream()
                        .<Callable<Boolean>>map(id -> () -> starts.mark(id).isPresent())
                        .toList(),
                starts::queued);
        assertThat(firstMark.get(30, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> mark : lost) {
            try {
                mark.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException expected) {
                // asserted below
            }
        }
        assertThat(connections.lost()).as("a statement was lost").isTrue();
        assertThat(lost)
                .as("every caller of the lost statement got its exception (and sent nothing)")
                .allSatisfy(mark -> assertThatThrownBy(() -> mark.get())
                        .hasCauseInstanceOf(DataAccessResourceFailureException.class));
        return lost;
    }

    /** The job keeps a mark: its attempt's number and the id of the statement that wrote it. */
    void assertMarked(String id, int attempt, UUID statement) {
        Job job = jobs.find(id).orElseThrow();
        assertThat(job.submitStartedAt()).as("mark of job " + id).isNotNull();
        assertThat(job.attempts()).as("attempts of job " + id).isEqualTo(attempt);
        assertThat(markId(id)).as("statement that marked job " + id).isEqualTo(statement);
    }

    /** The job is RESERVED and unmarked, free to be sent; its attempt count kept. */
    void assertUnmarked(String id, int attempts) {
        Job job = jobs.find(id).orElseThrow();
        assertThat(job.state()).isEqualTo(JobState.RESERVED);
        assertThat(job.submitStartedAt()).as("mark of job " + id).isNull();
        assertThat(markId(id)).isNull();
        assertThat(job.attempts()).as("attempts of job " + id).isEqualTo(attempts);
    }

    /** The id of the statement whose mark the job carries, null: none. */
    UUID markId(String id) {
        return jdbc.sql("select submit_mark_id from generation_job where id = :id")
                .param("id", id)
                .query(UUID.class)
                .optional()
                .orElse(null);
    }

    /** The tasks the provider (the built-in simulator) created for the job: its createTask calls that landed. */
    long createdTasks(String id) {
        return jdbc.sql("select count(*) from sim_task where callback_url like :job")
                .param("job", "%/callback/" + id + "?%")
                .query(Long.class)
                .single();
    }

    /** The job's next step, as its task runs it; when it looks again. */
    Optional<Instant> step(String id) {
        return driver.step(id);
    }

    /** A job as just accepted whose input the provider (the built-in simulator here) takes. */
    String sendableJob() {
        String id = "rows-" + UUID.randomUUID();
        Instant now = clock.instant();
        jobs.insert(Job.accepted(
                id,
                new Job.Request(
                        1L,
                        AssetType.IMAGE,
                        "nano-banana",
                        "a lighthouse",
                        "{}",
                        "google/nano-banana",
                        "{\"prompt\":\"a lighthouse\"}",
                        10),
                "token",
                now,
                now.plus(Duration.ofHours(1))));
        return id;
    }

    /**
     * The submit path's connections, real, except for the one statement it is told to lose ({@link
     * #loseNext}: the next to start): run and committed, then answered with the exception a connection
     * dropped before its answer gives. {@link #beforeLost} runs just before that statement, {@link
     * #afterLost} after its commit; with {@link #undoFails}, what runs after it fails unrun (the
     * database still unreachable), with {@link #undoAnswerLost} it runs and then fails the same way.
     */
    static final class AnswerLost extends SubmitConnections {

        private final AtomicBoolean loseNext = new AtomicBoolean();
        private final AtomicBoolean lost = new AtomicBoolean();
        volatile Runnable beforeLost = () -> {};
        volatile Runnable afterLost = () -> {};
        volatile boolean undoFails;
        volatile boolean undoAnswerLost;

        AnswerLost(GenerationProperties props) {
            super(props);
        }

        void loseNext() {
            loseNext.set(true);
        }

        boolean lost() {
            return lost.get();
        }

        @Override
        <T> T use(Supplier<T> step) {
            if (loseNext.compareAndSet(true, false)) {
                beforeLost.run();
                super.use(step);
                lost.set(true);
                afterLost.run();
                throw new DataAccessResourceFailureException("An I/O error occurred while sending to the backend.");
            }
            if (lost.get() && undoFails) {
                throw new DataAccessResourceFailureException("Connection to localhost refused.");
            }
            T result = super.use(step);
            if (lost.get() && undoAnswerLost) {
                throw new DataAccessResourceFailureException("An I/O error occurred while sending to the backend.");
            }
            return result;
        }
    }
}

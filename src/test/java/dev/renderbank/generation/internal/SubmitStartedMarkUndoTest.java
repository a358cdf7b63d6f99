package dev.renderbank.generation.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.generation.JobState;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * A submit-started mark statement that commits on the server while its answer is lost: every caller
 * gets the exception and none sends, so its jobs were never sent. Their marks are undone at once (in a
 * transaction of its own, by the id that statement wrote with them), and each job is sent, once, by its
 * next step, instead of being taken for interrupted ({@code UNKNOWN}) and held until its deadline.
 * Only that statement's marks are undone: a mark another statement wrote at the very same time (this
 * node's, in a caller's transaction or grouped, or another node's) stands, whoever is sending its job.
 */
class SubmitStartedMarkUndoTest extends LostMarkAnswerTest {

    @Test
    void theMarksOfAGroupedStatementWhoseAnswerWasLostAreUndoneAndItsJobsAreSentOnce() throws Exception {
        String first = acceptedJob();
        String sendable = sendableJob();
        List<String> lost = List.of(sendable, acceptedJob(), acceptedJob());

        lostBehindAFirstStatement(first, lost.toArray(String[]::new));

        assertThat(lost).allSatisfy(id -> assertUnmarked(id, 1));
        Job marked = jobs.find(first).orElseThrow();
        assertThat(marked.submitStartedAt()).as("the first statement's mark").isNotNull();
        assertThat(marked.attempts()).isEqualTo(1);

        step(sendable); // the job's task, at its next run
        Job sent = jobs.find(sendable).orElseThrow();
        assertThat(sent.state()).isEqualTo(JobState.SUBMITTED);
        assertThat(sent.attempts()).as("the undone attempt still counted").isEqualTo(2);
        assertThat(createdTasks(sendable)).isEqualTo(1);
    }

    @Test
    void aLoneMarkWhoseAnswerWasLostIsUndoneAndItsJobSentOnce() {
        String job = sendableJob();
        connections.loseNext();

        assertThatThrownBy(() -> starts.mark(job)).isInstanceOf(DataAccessResourceFailureException.class);

        assertUnmarked(job, 1);
        step(job);
        assertThat(jobs.find(job).orElseThrow().state()).isEqualTo(JobState.SUBMITTED);
        assertThat(createdTasks(job)).isEqualTo(1);
        step(job); // polled now: never sent again
        assertThat(createdTasks(job)).isEqualTo(1);
    }

    /**
     * The clock stopped: every mark here carries the very time the lost statement writes. Jobs marked
     * by this node before (grouped, or in a caller's own transaction) and queued again, and jobs marked
     * just before the lost statement runs (by another node, and by a caller's transaction of this node,
     * which does not wait for the group's statement): their callers may be sending them. The lost
     * statement wins none of them, and its undo takes none of their marks; its own job it undoes.
     */
    @Test
    void aMarkOfAnotherStatementAtTheSameTimeIsNeverUndone() throws Exception {
        clock.freeze();
        String grouped = acceptedJob();
        String inTransaction = acceptedJob();
        String otherNode = acceptedJob();
        String meanwhile = acceptedJob();
        String own = acceptedJob();
        String first = acceptedJob();
        assertThat(starts.mark(grouped)).isPresent();
        OptionalInt ownTransaction = tx.execute(status -> starts.mark(inTransaction));
        assertThat(ownTransaction).isPresent();
        connections.beforeLost = () -> {
            assertThat(transitions.markSubmitStarted(otherNode, clock.instant()))
                    .isPresent();
            OptionalInt won = tx.execute(status -> starts.mark(meanwhile));
            assertThat(won).isPresent();
        };
        UUID groupedMark = markId(grouped);
        UUID inTransactionMark = markId(inTransaction);

        lostBehindAFirstStatement(first, grouped, inTransaction, otherNode, meanwhile, own);

        assertUnmarked(own, 1);
        assertMarked(grouped, 1, groupedMark);
        assertMarked(inTransaction, 1, inTransactionMark);
        assertThat(List.of(grouped, inTransaction, otherNode, meanwhile, first))
                .allSatisfy(id -> assertThat(jobs.find(id).orElseThrow().submitStartedAt())
                        .as("mark of job " + id + ", at the lost statement's time")
                        .isEqualTo(clock.instant()));
        assertThat(List.of(otherNode, meanwhile)).allSatisfy(id -> {
            assertThat(markId(id)).as("statement that marked job " + id).isNotNull();
            assertThat(jobs.find(id).orElseThrow().attempts()).isEqualTo(1);
        });
        assertThat(List.of(groupedMark, inTransactionMark, markId(otherNode), markId(meanwhile), markId(first)))
                .as("one id per statement")
                .doesNotHaveDuplicates();
    }
}

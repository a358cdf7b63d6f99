package dev.renderbank.generation.internal;

import static dev.renderbank.generation.internal.PollTiming.earliest;

import dev.renderbank.generation.GenerationProperties;
import dev.renderbank.generation.JobEvents;
import dev.renderbank.platform.PublicUrl;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Moves one job one step: submit it, poll it ({@link JobPolling}), or give up at its deadline. Runs
 * from the durable job task; every step is safe to repeat and to race.
 */
@Component
public class JobDriver {

    private static final Logger log = LoggerFactory.getLogger(JobDriver.class);

    private final JobStore jobs;
    private final JobTransitions transitions;
    private final JobFinisher finisher;
    private final JobPolling polling;
    private final ProviderGateway provider;
    private final ProviderAvailability availability;
    private final GenerationProperties props;
    private final Clock clock;
    private final JobEvents events;
    private final PublicUrl publicUrl;
    private final SubmittedMarks marks;
    private final SubmitStartedMarks starts;
    private final SubmitConnections connections;
    private final AnswerWrites answers;
    private final UnknownMarks unknowns;
    private final TaskMoves moves;

    JobDriver(
            JobStore jobs,
            JobTransitions transitions,
            JobFinisher finisher,
            JobPolling polling,
            ProviderGateway provider,
            ProviderAvailability availability,
            GenerationProperties props,
            Clock clock,
            JobEvents events,
            PublicUrl publicUrl,
            SubmittedMarks marks,
            SubmitStartedMarks starts,
            SubmitConnections connections,
            AnswerWrites answers,
            UnknownMarks unknowns,
            TaskMoves moves) {
        this.jobs = jobs;
        this.transitions = transitions;
        this.finisher = finisher;
        this.polling = polling;
        this.provider = provider;
        this.availability = availability;
        this.props = props;
        this.clock = clock;
        this.events = events;
        this.publicUrl = publicUrl;
        this.marks = marks;
        this.starts = starts;
        this.connections = connections;
        this.answers = answers;
        this.unknowns = unknowns;
        this.moves = moves;
    }

    /**
     * Where the job's durable task goes next. The task's own run reschedules it when the run
     * completes ({@link #NONE}); a submit outside the task ({@link JobSubmitter}) moves it in the
     * same transaction as the job's state change, so the two are one commit ({@link TaskMoves}).
     */
    @FunctionalInterface
    public interface TaskMove {
        TaskMove NONE = next -> {};

        void to(Instant next);
    }

    /**
     * How long the accept's own read of the provider's availability (in its transaction, just before
     * the job's commit) stands for the submit right after it: a submit that starts within this is not
     * preceded by a second read (issue 15: one statement and one borrow per job fewer); one that
     * waited longer for a submit thread reads it again.
     */
    static final Duration ACCEPT_READ_STANDS = Duration.ofSeconds(1);

    /**
     * Added to the provider's {@link ProviderGateway#submitTimeLimit} before a started submit is taken
     * as interrupted: the attempt's own work around the call (its mark's commit reaching it, the
     * request built, the answer's write waiting for a connection) and the clocks of two nodes apart.
     */
    static final Duration SUBMIT_MARGIN = Duration.ofSeconds(10);

    /**
     * The first submit of a job just accepted, outside its task (issue 15: no scheduler pick before
     * it). The same compare-and-set on {@code submit_started_at} as {@link #step}: whoever wins it is
     * the one caller that sends, so this and the job's task can race safely. Does nothing when the
     * provider is refusing work (as read by the accept, or again when the job waited for a thread
     * longer than {@link #ACCEPT_READ_STANDS}): the task, due later, takes the job from there.
     */
    public void submitAccepted(Job job, TaskMove move) {
        if (clock.instant().isAfter(job.createdAt().plus(ACCEPT_READ_STANDS))
                && connections.use(availability::refusalRetryAfter).isPresent()) {
            return;
        }
        try (var logContext = JobLogContext.of(job)) {
            send(job, clock.instant(), move);
        }
    }

    /** Does the next step; returns when to look again, or empty when the job needs nothing more. */
    public Optional<Instant> step(String jobId) {
        Optional<Job> found = jobs.find(jobId);
        if (found.isEmpty() || found.get().state().isTerminal()) {
            return Optional.empty();
        }
        try (var logContext = JobLogContext.of(found.get())) {
            return step(found.get());
        }
    }

    private Optional<Instant> step(Job job) {
        Instant now = clock.instant();
        if (!now.isBefore(job.deadlineAt())) {
            finisher.fail(job, FailureReasons.DEADLINE_CODE, FailureReasons.DEADLINE, true);
            return Optional.empty();
        }
        return switch (job.state()) {
            case RESERVED -> submit(job, now);
            case SUBMITTED, RUNNING -> polling.poll(job, now);
            // Never resubmitted: a callback (it carries our job id), the record of a task its submit's answer
            // named (UnknownMarks), the deadline, or an interrupted submit's own late refusal resolves it.
            case UNKNOWN ->
                job.providerTaskId() != null
                        ? polling.poll(job, now)
                        : Optional.of(earliest(now.plus(props.jobs().maxPoll()), job.deadlineAt()));
            case SUCCEEDED, FAILED -> Optional.empty();
        };
    }

    private Optional<Instant> submit(Job job, Instant now) {
        Optional<Duration> down = availability.refusalRetryAfter();
        if (down.isPresent()) {
            // Accepted before the provider ran dry: wait (while time is left to send it) rather than
            // fail at once. A submit under way (started) is left to record its answer.
            if (job.submitStartedAt() == null && tooLate(job, now)) {
                return failTooLate(job);
            }
            Instant last = lastSend(job);
            return Optional.of(
                    earliest(now.plus(Duration.ofSeconds(30)), now.isBefore(last) ? last : job.deadlineAt()));
        }
        if (job.submitStartedAt() != null) {
            Instant ended =
                    job.submitStartedAt().plus(provider.submitTimeLimit()).plus(SUBMIT_MARGIN);
            if (now.isBefore(ended)) {
                // The attempt may still be waiting for its answer (a submit thread that took the job
                // late): it records that answer itself, a 429 included, which leaves the job free to
                // be sent again. Marked UNKNOWN now, that answer would find the job gone from RESERVED.
                return Optional.of(earliest(ended, job.deadlineAt()));
            }
            // A previous attempt died mid-call: the provider may have the task. Never submit twice.
            if (transitions.markInterrupted(job.id(), job.attempts(), "submit attempt interrupted", now)) {
                log.warn(
                        "job {}: earlier submit attempt was interrupted; state UNKNOWN until callback or deadline",
                        job.id());
                events.changed(job.id());
            }
            return Optional.of(earliest(now.plus(props.jobs().maxPoll()), job.deadlineAt()));
        }
        return send(job, now, TaskMove.NONE);
    }

    /** Marks the one submit attempt, sends, and records the answer (with the task's move, if any). */
    private Optional<Instant> send(Job job, Instant now, TaskMove move) {
        if (tooLate(job, now)) {
            return failTooLate(job);
        }
        // committed with the marks of other submits that start meanwhile, within the submit path's
        // share of the connections (as every write of this method); an exception: nothing is sent,
        // and a mark its statement committed all the same is undone, if the database lets it, before
        // this learns of it (else the job is taken for interrupted, as one whose process died here)
        OptionalInt started = starts.mark(job.id());
        if (started.isEmpty()) {
            return Optional.of(now.plusSeconds(1));
        }
        int attempt = started.getAsInt();
        SubmitOutcome outcome = provider.submit(
                new SubmitRequest(job.id(), job.providerModel(), job.providerInput(), callbackUrl(job)));
        Instant after = clock.instant();
        if (outcome instanceof SubmitOutcome.Accepted a) {
            Instant next = after.plus(props.jobs().firstPoll());
            String task = a.providerTaskId();
            // committed together with the marks of other submits that finished meanwhile; the provider
            // bills this task now: a mark that fails is logged with it and tried again until it lands
            answers.store(job, "provider task " + task, () -> marks.commit(job.id(), task, after, next, move), () -> {
                log.info("job {} submitted as provider task {}", job.id(), task);
                events.changed(job.id());
            });
            return Optional.of(next);
        }
        if (outcome instanceof SubmitOutcome.Unknown u) {
            Instant next = earliest(after.plus(props.jobs().maxPoll()), job.deadlineAt());
            unknowns.record(job, u, after, next, move);
            return Optional.of(next);
        }
        if (outcome instanceof SubmitOutcome.RetryLater r) {
            // No task exists (nothing was sent, or 429/455): the one case where sending again is safe.
            Duration wait = PollTiming.backoff(job.attempts() + 1, props.jobs().maxSubmitBackoff());
            // no later than the last moment it may be sent: if that has passed, at once (and it fails)
            Instant next = earliest(after.plus(wait), lastSend(job));
            // This attempt's own mark, in RESERVED or, when the task took this attempt for interrupted
            // (it outlived the submit time limit), in UNKNOWN: the answer proves there is no task.
            // Not cleared, the job would be taken for interrupted: tried again until it lands, as above.
            answers.store(
                    job,
                    "refusal of attempt " + attempt + " (" + r.error() + ", no task created)",
                    () -> moves.one(
                            () -> !transitions.clearSubmitStarted(job.id(), attempt)
                                    && transitions.reopenRefusedAttempt(job.id(), attempt, clock.instant()),
                            next,
                            move),
                    () -> {
                        log.warn(
                                "job {}: submit taken for interrupted was answered {}, no task created; RESERVED again",
                                job.id(),
                                r.error());
                        events.changed(job.id());
                    });
            log.info("job {}: provider not taking work ({}), retrying in {}", job.id(), r.error(), wait);
            return Optional.of(next);
        }
        if (outcome instanceof SubmitOutcome.Rejected rejected) {
            // No task exists: failed and released now. A fail the database drops is tried again, as
            // above, or the job would be taken for interrupted and hold its credits until its deadline.
            answers.store(
                    job,
                    "refusal of attempt " + attempt + " (" + rejected.error() + ", no task created)",
                    () -> polling.failForProvider(job, rejected.error()),
                    () -> {});
            return Optional.empty();
        }
        throw new IllegalStateException("unexpected submit outcome for job " + job.id() + ": " + outcome);
    }

    /** At most {@code renderbank.jobs.min-time-left} to its deadline: a task now would be paid, not finished in time. */
    private boolean tooLate(Job job, Instant now) {
        return !now.isBefore(lastSend(job));
    }

    private Instant lastSend(Job job) {
        return job.deadlineAt().minus(props.jobs().minTimeLeft().of(job.type()));
    }

    /** Never sent: failed and released now, the cooldown given back (the provider's outage is not the user's fault). */
    private Optional<Instant> failTooLate(Job job) {
        if (finisher.failUnsent(job, FailureReasons.UNAVAILABLE_TOO_LONG_CODE, FailureReasons.UNAVAILABLE_TOO_LONG)) {
            log.warn(
                    "job {}: the provider refused work until too little time was left before its deadline; failed, never sent",
                    job.id());
            return Optional.empty();
        }
        // another node started its submit meanwhile, or finished it: the job's next step sees which
        return Optional.of(clock.instant().plusSeconds(1));
    }

    private String callbackUrl(Job job) {
        return publicUrl.get() + "/api/provider/kie/callback/" + job.id() + "?token=" + job.callbackToken();
    }
}

package dev.renderbank.generation.internal;

import static dev.renderbank.generation.internal.PollTiming.earliest;

import dev.renderbank.generation.GenerationProperties;
import dev.renderbank.generation.JobEvents;
import dev.renderbank.generation.JobState;
import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.storage.OutputFetcher;
import dev.renderbank.storage.StoredAsset;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Asks the provider about a submitted job and acts on the answer: progress, the output copied to
 * our storage and the job finished, or a failure. Runs from the job task and from the checks callbacks set
 * off ({@link CallbackChecks}).
 */
@Component
class JobPolling {

    private static final Logger log = LoggerFactory.getLogger(JobPolling.class);

    private final JobTransitions transitions;
    private final JobFinisher finisher;
    private final ProviderGateway provider;
    private final ProviderAvailability availability;
    private final OutputFetcher fetcher;
    private final GenerationProperties props;
    private final Clock clock;
    private final JobEvents events;
    private final AccountDeletion accounts;
    private final LateDeliveries late;
    private final RecordGaps gaps;
    private final JobStore jobs;

    /** Jobs whose result this node is copying now. */
    private final java.util.Set<String> copying = java.util.concurrent.ConcurrentHashMap.newKeySet();

    JobPolling(
            JobTransitions transitions,
            JobFinisher finisher,
            ProviderGateway provider,
            ProviderAvailability availability,
            OutputFetcher fetcher,
            GenerationProperties props,
            Clock clock,
            JobEvents events,
            AccountDeletion accounts,
            LateDeliveries late,
            RecordGaps gaps,
            JobStore jobs) {
        this.jobs = jobs;
        this.transitions = transitions;
        this.finisher = finisher;
        this.provider = provider;
        this.availability = availability;
        this.fetcher = fetcher;
        this.props = props;
        this.clock = clock;
        this.events = events;
        this.accounts = accounts;
        this.late = late;
        this.gaps = gaps;
    }

    Optional<Instant> poll(Job job, Instant now) {
        QueryOutcome outcome = provider.query(job.providerModel(), job.providerTaskId());
        if (outcome instanceof QueryOutcome.Running r) {
            int progress = r.progress() >= 0 ? r.progress() : PollTiming.estimateProgress(job, now);
            if (transitions.markRunning(job.id(), job.providerTaskId(), progress, now)) {
                events.changed(job.id());
            }
            return Optional.of(again(job, now));
        }
        if (outcome instanceof QueryOutcome.Succeeded s) {
            return complete(job, s, now);
        }
        if (outcome instanceof QueryOutcome.Failed f) {
            boolean failed;
            if (isInsufficientCredits(f.failCode(), f.failMessage())) {
                failed = failForProvider(
                        job, new ProviderError(ProviderError.Kind.INSUFFICIENT_CREDITS, 402, f.failMessage()));
            } else if (FailureReasons.refusesUsersInput(f.failCode())) {
                // the input was refused after createTask took it: the refusal a 400/422 at createTask is
                failed = failForProvider(
                        job,
                        new ProviderError(
                                ProviderError.Kind.VALIDATION,
                                Integer.parseInt(f.failCode().strip()),
                                f.failMessage()));
            } else {
                failed = finisher.failPolled(
                        job,
                        "provider_generation_failed",
                        "The generation failed at the provider"
                                + (f.failMessage() == null ? "" : ": " + f.failMessage())
                                + ". Your credits were released.",
                        true);
            }
            return failed ? Optional.empty() : unlessStillLive(job, now);
        }
        if (outcome instanceof QueryOutcome.Unavailable u) {
            if (u.error().kind() == ProviderError.Kind.UNAUTHORIZED) {
                availability.tripUnauthorized(u.error().message());
            } else if (u.error().kind() == ProviderError.Kind.FEATURE_DISABLED) {
                // the task cannot be followed while the feature is off: an operator's matter
                availability.featureDisabled(
                        job,
                        "recordInfo answered " + u.error().code() + ": "
                                + u.error().message());
            }
            if (RecordGaps.isGap(u.error()) && gaps.failIfPersisting(job, u.error(), now)) {
                return Optional.empty();
            }
            return Optional.of(again(job, now));
        }
        throw new IllegalStateException("unexpected query outcome for job " + job.id() + ": " + outcome);
    }

    /**
     * A provider success also reaches jobs that were already failed: then it is a free late delivery.
     * When it cannot be stored now (the copy or the provider's answer failed for a moment), the job's
     * late-delivery task asks again later ({@link LateDeliveries}).
     */
    void checkLateDelivery(Job job) {
        if (lateDelivery(job) == LateDeliveries.Try.AGAIN) {
            late.checkLater(job.id());
        }
    }

    /** One try at a failed job's late result: asks the provider, and stores the result when it has one. */
    LateDeliveries.Try lateDelivery(Job job) {
        if (job.state() != JobState.FAILED || job.assetId() != null || job.providerTaskId() == null) {
            return LateDeliveries.Try.DONE;
        }
        if (accounts.isDeleted(job.userId())) {
            // the deletion failed the job and removed the account's files: its result is not fetched
            // (a deletion racing this fetch is caught where the result would be recorded)
            return LateDeliveries.Try.DONE;
        }
        // the job is finished: a record of its task failing with 402 is not news of the balance now
        QueryOutcome outcome = provider.queryFinished(job.providerModel(), job.providerTaskId());
        if (outcome instanceof QueryOutcome.Succeeded s) {
            return copy(job, s);
        }
        if (outcome instanceof QueryOutcome.Unavailable u && u.error().kind() == ProviderError.Kind.UNAUTHORIZED) {
            availability.tripUnauthorized(u.error().message());
        }
        // still running, or no answer for now: later; the provider failed it: nothing to deliver
        return outcome instanceof QueryOutcome.Failed ? LateDeliveries.Try.DONE : LateDeliveries.Try.AGAIN;
    }

    private Optional<Instant> complete(Job job, QueryOutcome.Succeeded s, Instant now) {
        return copy(job, s) == LateDeliveries.Try.AGAIN ? Optional.of(again(job, now)) : unlessStillLive(job, now);
    }

    /**
     * After a poll whose finish this job did not win: empty when the job is finished (another path
     * finished it), else when to look again. A live job lost it because it no longer names the polled
     * task: it named it only from its unclear answer and gave it up to the job it was created for
     * while the poll was under way ({@link JobTransitions#markSubmitted}); the result read was not its.
     * Its step goes on, so that the task its own callback teaches it later is polled and charged as
     * any job's, not left to a free late delivery at its deadline.
     */
    private Optional<Instant> unlessStillLive(Job job, Instant now) {
        Optional<Job> current = jobs.find(job.id());
        if (current.isEmpty() || current.get().state().isTerminal()) {
            return Optional.empty();
        }
        log.info(
                "job {}: the record of task {} was not this job's (it names {} now): its step goes on",
                job.id(),
                job.providerTaskId(),
                current.get().providerTaskId() == null
                        ? "no task"
                        : "task " + current.get().providerTaskId());
        return Optional.of(again(current.get(), now));
    }

    /**
     * Copies the result to our storage and finishes the job with it; AGAIN when the copy failed for
     * now, or when this node is copying the job's result already (its callback's check and its poll
     * meet: the result, a video of hundreds of megabytes perhaps, is downloaded once; the one that
     * waits looks again later and finds the job finished).
     */
    private LateDeliveries.Try copy(Job job, QueryOutcome.Succeeded s) {
        if (!copying.add(job.id())) {
            log.info("job {}: its result is being copied already; looking again later", job.id());
            return LateDeliveries.Try.AGAIN;
        }
        try {
            return copyAlone(job, s);
        } finally {
            copying.remove(job.id());
        }
    }

    private LateDeliveries.Try copyAlone(Job job, QueryOutcome.Succeeded s) {
        if (s.resultUrls().isEmpty()) {
            finisher.failPolled(job, FailureReasons.NO_OUTPUT_CODE, FailureReasons.NO_OUTPUT, true);
            return LateDeliveries.Try.DONE;
        }
        URI source = ResultFiles.firstFetchable(s.resultUrls());
        String key = "jobs/" + job.userId() + "/" + job.id() + ResultFiles.extension(job, source);
        try {
            StoredAsset stored = fetcher.fetch(source, key);
            finisher.succeed(
                    job,
                    new JobFinisher.StoredOutput(
                            stored.key(), stored.contentType(), stored.size(), stored.sha256(), source.toString()));
            return LateDeliveries.Try.DONE;
        } catch (OutputFetcher.FetchRefusedException e) {
            log.warn("job {}: output {} refused: {}", job.id(), OutputFetcher.redacted(source), e.getMessage());
            finisher.failPolled(
                    job, "output_refused", "The result could not be stored safely. Your credits were released.", true);
            return LateDeliveries.Try.DONE;
        } catch (IOException e) {
            // Keep trying (a live job until its deadline): result URLs live about a day.
            log.warn("job {}: copying output failed, will retry: {}", job.id(), e.toString());
            return LateDeliveries.Try.AGAIN;
        }
    }

    /**
     * Fails and releases the job; the cooldown is given back unless the refusal was of the user's own
     * input ({@link FailureReasons#isUsersInput}: 400, 422, at createTask or as a failed task's
     * {@code failCode}), which our validation cannot foresee. Returns whether this call failed it (a
     * job another path ended first is left as it is, and so is a job that no longer names the task
     * {@code job} names: {@link JobFinisher#failPolled}).
     */
    boolean failForProvider(Job job, ProviderError error) {
        // a switch expression: a new kind of provider error does not compile until it is decided here
        String message = switch (error.kind()) {
            case INSUFFICIENT_CREDITS -> {
                availability.tripExhausted(error.message());
                yield FailureReasons.PROVIDER_DOWN;
            }
            case UNAUTHORIZED -> {
                availability.tripUnauthorized(error.message());
                yield FailureReasons.PROVIDER_DOWN;
            }
            case RATE_LIMITED,
                    UNAVAILABLE,
                    VALIDATION,
                    GENERATION_FAILED,
                    NOT_FOUND,
                    FEATURE_DISABLED,
                    TIMEOUT,
                    INCOMPLETE_RECORD,
                    RECORD_WITHOUT_STATE,
                    OTHER ->
                "The provider refused the request (" + error.code() + ": " + error.message()
                        + "). Your credits were released.";
        };
        return finisher.failPolled(job, error.reasonCode(), message, !FailureReasons.isUsersInput(error));
    }

    /**
     * Whether a failed record says the provider's account is out of credits: its 402, or a message
     * naming its credits or balance as insufficient. Only that stops generation for everyone; a
     * failure of the generation itself ("insufficient detail in the prompt") is its job's alone.
     */
    static boolean isInsufficientCredits(String code, String message) {
        return "402".equals(code)
                || (message != null && PROVIDER_OUT_OF_CREDITS.matcher(message).find());
    }

    private static final Pattern PROVIDER_OUT_OF_CREDITS = Pattern.compile(
            "insufficient\\s+(account\\s+)?(credits?|balance)|(credits?|balance)\\s+(is\\s+|are\\s+)?insufficient",
            Pattern.CASE_INSENSITIVE);

    private Instant again(Job job, Instant now) {
        Duration delay = PollTiming.pollDelay(
                job, now, props.jobs().firstPoll(), props.jobs().maxPoll());
        return earliest(now.plus(delay), job.deadlineAt());
    }
}

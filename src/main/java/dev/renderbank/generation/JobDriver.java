package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.platform.PublicUrl;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import dev.renderbank.provider.SubmitRequest;
import dev.renderbank.storage.OutputFetcher;
import dev.renderbank.storage.StoredAsset;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * Moves one job one step: submit it, poll it, or give up at its deadline. Runs from the durable
 * job task and from provider callbacks; every step is safe to repeat and to race.
 */
@Component
class JobDriver {

    static final String PROVIDER_DOWN_MESSAGE =
            "The generation service is temporarily unavailable; your credits were not charged.";
    private static final Logger log = LoggerFactory.getLogger(JobDriver.class);

    private final JobStore store;
    private final JobFinisher finisher;
    private final ProviderGateway provider;
    private final ProviderAvailability availability;
    private final OutputFetcher fetcher;
    private final GenerationProperties props;
    private final Clock clock;
    private final ObjectMapper json;
    private final JobEvents events;
    private final PublicUrl publicUrl;

    JobDriver(
            JobStore store,
            JobFinisher finisher,
            ProviderGateway provider,
            ProviderAvailability availability,
            OutputFetcher fetcher,
            GenerationProperties props,
            Clock clock,
            ObjectMapper json,
            JobEvents events,
            PublicUrl publicUrl) {
        this.store = store;
        this.finisher = finisher;
        this.provider = provider;
        this.availability = availability;
        this.fetcher = fetcher;
        this.props = props;
        this.clock = clock;
        this.json = json;
        this.events = events;
        this.publicUrl = publicUrl;
    }

    /** Does the next step; returns when to look again, or empty when the job needs nothing more. */
    Optional<Instant> step(String jobId) {
        Optional<Job> found = store.find(jobId);
        if (found.isEmpty() || found.get().state().isTerminal()) {
            return Optional.empty();
        }
        Job job = found.get();
        Instant now = clock.instant();
        if (!now.isBefore(job.deadlineAt())) {
            finisher.fail(
                    job,
                    "deadline_exceeded",
                    "The generation did not finish in time; your credits were released.",
                    true);
            return Optional.empty();
        }
        return switch (job.state()) {
            case RESERVED -> submit(job, now);
            case SUBMITTED, RUNNING -> poll(job, now);
            // Never resubmitted: only a callback (which carries our job id) or the deadline resolves it.
            case UNKNOWN -> Optional.of(earliest(now.plus(props.jobs().maxPoll()), job.deadlineAt()));
            default -> Optional.empty();
        };
    }

    private Optional<Instant> submit(Job job, Instant now) {
        Optional<Duration> down = availability.refusalRetryAfter();
        if (down.isPresent()) {
            // Accepted before the provider ran dry: wait (until the deadline) rather than fail at once.
            return Optional.of(earliest(now.plus(Duration.ofSeconds(30)), job.deadlineAt()));
        }
        if (job.submitStartedAt() != null) {
            // A previous attempt died mid-call: the provider may have the task. Never submit twice.
            if (store.markUnknown(job.id(), "submit attempt interrupted", now)) {
                log.warn(
                        "job {}: earlier submit attempt was interrupted; state UNKNOWN until callback or deadline",
                        job.id());
                events.changed(job.id());
            }
            return Optional.of(earliest(now.plus(props.jobs().maxPoll()), job.deadlineAt()));
        }
        if (!store.markSubmitStarted(job.id(), now)) {
            return Optional.of(now.plusSeconds(1));
        }
        SubmitOutcome outcome = provider.submit(
                new SubmitRequest(job.id(), job.providerModel(), parse(job.providerInput()), callbackUrl(job)));
        Instant after = clock.instant();
        if (outcome instanceof SubmitOutcome.Accepted a) {
            if (store.markSubmitted(job.id(), a.providerTaskId(), after)) {
                log.info("job {} submitted as provider task {}", job.id(), a.providerTaskId());
                events.changed(job.id());
            }
            return Optional.of(after.plus(props.jobs().firstPoll()));
        }
        if (outcome instanceof SubmitOutcome.Unknown u) {
            if (store.markUnknown(job.id(), u.why(), after)) {
                log.warn("job {}: submit outcome unknown ({}); waiting for callback or deadline", job.id(), u.why());
                events.changed(job.id());
            }
            return Optional.of(earliest(after.plus(props.jobs().maxPoll()), job.deadlineAt()));
        }
        if (outcome instanceof SubmitOutcome.RetryLater r) {
            // No task exists (nothing was sent, or 429/455): the one case where sending again is safe.
            store.clearSubmitStarted(job.id());
            Duration wait = backoff(job.attempts() + 1, props.jobs().maxSubmitBackoff());
            log.info("job {}: provider not taking work ({}), retrying in {}", job.id(), r.error(), wait);
            return Optional.of(earliest(after.plus(wait), job.deadlineAt()));
        }
        failForProvider(job, ((SubmitOutcome.Rejected) outcome).error());
        return Optional.empty();
    }

    Optional<Instant> poll(Job job, Instant now) {
        QueryOutcome outcome = provider.query(job.providerTaskId());
        if (outcome instanceof QueryOutcome.Running r) {
            int progress = r.progress() >= 0 ? r.progress() : estimateProgress(job, now);
            if (store.markRunning(job.id(), progress, now)) {
                events.changed(job.id());
            }
            return Optional.of(earliest(now.plus(pollDelay(job, now)), job.deadlineAt()));
        }
        if (outcome instanceof QueryOutcome.Succeeded s) {
            return complete(job, s, now);
        }
        if (outcome instanceof QueryOutcome.Failed f) {
            if (isInsufficientCredits(f.failCode(), f.failMessage())) {
                failForProvider(job, new ProviderError(ProviderError.Kind.INSUFFICIENT_CREDITS, 402, f.failMessage()));
            } else {
                finisher.fail(
                        job,
                        "provider_generation_failed",
                        "The generation failed at the provider"
                                + (f.failMessage() == null ? "" : ": " + f.failMessage())
                                + ". Your credits were released.",
                        true);
            }
            return Optional.empty();
        }
        ProviderError error = ((QueryOutcome.Unavailable) outcome).error();
        if (error.kind() == ProviderError.Kind.UNAUTHORIZED) {
            availability.tripUnauthorized(error.message());
        }
        return Optional.of(earliest(now.plus(pollDelay(job, now)), job.deadlineAt()));
    }

    /** A provider success also reaches jobs that were already failed: then it is a free late delivery. */
    void checkLateDelivery(Job job) {
        if (job.state() != JobState.FAILED || job.assetId() != null || job.providerTaskId() == null) {
            return;
        }
        if (provider.query(job.providerTaskId()) instanceof QueryOutcome.Succeeded s) {
            complete(job, s, clock.instant());
        }
    }

    private Optional<Instant> complete(Job job, QueryOutcome.Succeeded s, Instant now) {
        if (s.resultUrls().isEmpty()) {
            finisher.fail(
                    job,
                    "provider_no_output",
                    "The provider reported success without a file. Your credits were released.",
                    true);
            return Optional.empty();
        }
        URI source = s.resultUrls().get(0);
        String key = "jobs/" + job.userId() + "/" + job.id() + extension(job, source);
        try {
            StoredAsset stored = fetcher.fetch(source, key);
            finisher.succeed(
                    job,
                    new JobFinisher.StoredOutput(
                            stored.key(), stored.contentType(), stored.size(), stored.sha256(), source.toString()));
            return Optional.empty();
        } catch (OutputFetcher.FetchRefusedException e) {
            log.warn("job {}: output {} refused: {}", job.id(), source, e.getMessage());
            finisher.fail(
                    job, "output_refused", "The result could not be stored safely. Your credits were released.", true);
            return Optional.empty();
        } catch (IOException e) {
            // Keep trying until the deadline: result URLs live about a day.
            log.warn("job {}: copying output failed, will retry: {}", job.id(), e.toString());
            return Optional.of(earliest(now.plus(pollDelay(job, now)), job.deadlineAt()));
        }
    }

    /** A refusal is never the user's fault (we sent what we validated): the cooldown is given back. */
    private void failForProvider(Job job, ProviderError error) {
        switch (error.kind()) {
            case INSUFFICIENT_CREDITS -> {
                availability.tripExhausted(error.message());
                finisher.fail(job, error.reasonCode(), PROVIDER_DOWN_MESSAGE, true);
            }
            case UNAUTHORIZED -> {
                availability.tripUnauthorized(error.message());
                finisher.fail(job, error.reasonCode(), PROVIDER_DOWN_MESSAGE, true);
            }
            default ->
                finisher.fail(
                        job,
                        error.reasonCode(),
                        "The provider refused the request (" + error.code() + ": " + error.message()
                                + "). Your credits were released.",
                        true);
        }
    }

    static boolean isInsufficientCredits(String code, String message) {
        return "402".equals(code) || (message != null && message.toLowerCase().contains("insufficient"));
    }

    private String callbackUrl(Job job) {
        return publicUrl.get() + "/api/provider/kie/callback/" + job.id() + "?token=" + job.callbackToken();
    }

    private Map<String, Object> parse(String input) {
        return json.readValue(input, new TypeReference<Map<String, Object>>() {});
    }

    /** Poll often at first and less as the job ages: a quarter of its age, within the bounds. */
    private Duration pollDelay(Job job, Instant now) {
        Instant since = job.submittedAt() == null ? job.createdAt() : job.submittedAt();
        Duration quarter = Duration.between(since, now).dividedBy(4);
        Duration first = props.jobs().firstPoll();
        Duration max = props.jobs().maxPoll();
        return quarter.compareTo(first) < 0 ? first : quarter.compareTo(max) > 0 ? max : quarter;
    }

    /** Without a provider figure, progress follows the typical duration of the asset type, capped at 95. */
    private static int estimateProgress(Job job, Instant now) {
        Duration typical = job.type() == AssetType.VIDEO ? Duration.ofMinutes(8) : Duration.ofSeconds(20);
        Instant since = job.submittedAt() == null ? job.createdAt() : job.submittedAt();
        long pct = 5 + Duration.between(since, now).toMillis() * 90 / typical.toMillis();
        return (int) Math.min(95, pct);
    }

    /** Capped exponential backoff with full jitter. */
    static Duration backoff(int attempt, Duration cap) {
        long base = 2_000L << Math.min(attempt, 16);
        long capped = Math.min(base, cap.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    private static String extension(Job job, URI source) {
        String path = source.getPath() == null ? "" : source.getPath();
        int dot = path.lastIndexOf('.');
        if (dot >= 0 && path.length() - dot <= 5) {
            return path.substring(dot).toLowerCase();
        }
        return job.type() == AssetType.VIDEO ? ".mp4" : ".png";
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}

package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.ledger.Ledger;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Limits and timings of generation jobs; see CONTRACT.md for the keys. */
@ConfigurationProperties("renderbank")
public record GenerationProperties(
        @DefaultValue Limits limits,
        @DefaultValue Jobs jobs,
        @DefaultValue Events events) {

    public record Limits(
            @DefaultValue PerType cooldown, @DefaultValue InFlight inFlight) {}

    public record PerType(
            @DefaultValue("3m") Duration image,
            @DefaultValue("3m") Duration video) {
        public PerType {
            if (image != null && image.isNegative()) {
                throw new IllegalArgumentException(
                        "renderbank.limits.cooldown.image must be 0 or more (was " + image + ")");
            }
            if (video != null && video.isNegative()) {
                throw new IllegalArgumentException(
                        "renderbank.limits.cooldown.video must be 0 or more (was " + video + ")");
            }
        }

        public Duration of(AssetType type) {
            return type == AssetType.IMAGE ? image : video;
        }
    }

    /** {@code 0} disables the cap. */
    public record InFlight(
            @DefaultValue("2") int image, @DefaultValue("1") int video) {
        public InFlight {
            if (image < 0 || video < 0) {
                throw new IllegalArgumentException("renderbank.limits.in-flight." + (image < 0 ? "image" : "video")
                        + " must be 0 or more (0: no cap)");
            }
        }

        public int of(AssetType type) {
            return type == AssetType.IMAGE ? image : video;
        }
    }

    /**
     * {@code deadline}: after this a job fails and releases. {@code firstPoll}/{@code maxPoll}:
     * polling backoff bounds (callbacks usually arrive first). {@code holdMargin}: how long a hold
     * outlives its job's deadline, so only a lost job ever lets it expire. {@code submitFallback}:
     * when a job's task comes due after an accept whose node submits the job at once (longer than
     * a provider call may take: the task then finds the submit done, or started and never to be
     * repeated). {@code submitConcurrency}: how many createTask calls one node has under way at once
     * for jobs it just accepted (each waits on the provider's answer, so throughput is this divided by
     * the provider's latency, not the scheduler's thread count). {@code submitConnections}: how many
     * of the submit path's database writes (the marks around createTask) hold a connection at once on
     * one node, so that the requests always find the rest of the pool free. {@code submitQueue}: how
     * many more just-accepted jobs may wait in memory for a submit thread; past it a job is submitted
     * by its db-scheduler task instead (durable either way, but that path costs more database work).
     * {@code lateDeliveryRetry}: the first wait before a failed job's provider task is asked again for
     * its result (a late delivery whose copy failed for a moment, or a task learned after the job
     * failed), doubling for each try after it. {@code callbackConcurrency}: how many provider
     * callbacks one node checks at once after answering them (each asks the provider about its job and
     * copies a finished result, maybe a big video: minutes, so never on the callback's request thread).
     * {@code callbackQueue}: how many more callbacks' checks may wait in memory for one; past it a
     * live job is left to its own task's poll and a failed job's check to its durable late-delivery
     * task. {@code minTimeLeft}: a job still waiting for the provider (it refused work: 429, 455,
     * out of credits, not connected) is not sent once no more than this is left before its deadline,
     * too little for a generation to finish; it is failed and released then instead of being paid
     * for and failed at its deadline while the provider still works.
     */
    public record Jobs(
            @DefaultValue DeadlinePerType deadline,
            @DefaultValue MinTimeLeftPerType minTimeLeft,
            @DefaultValue("2s") Duration firstPoll,
            @DefaultValue("60s") Duration maxPoll,
            @DefaultValue("5m") Duration maxSubmitBackoff,
            @DefaultValue("1h") Duration holdMargin,
            @DefaultValue("30s") Duration sweepInterval,
            @DefaultValue("1m") Duration submitFallback,
            @DefaultValue("64") int submitConcurrency,
            @DefaultValue("20") int submitConnections,
            @DefaultValue("512") int submitQueue,
            @DefaultValue("30s") Duration lateDeliveryRetry,
            @DefaultValue("8") int callbackConcurrency,
            @DefaultValue("500") int callbackQueue) {

        public Jobs {
            positive(firstPoll, "first-poll");
            positive(maxPoll, "max-poll");
            if (firstPoll != null && maxPoll != null && maxPoll.compareTo(firstPoll) < 0) {
                throw new IllegalArgumentException("renderbank.jobs.max-poll (" + maxPoll
                        + ") must be at least renderbank.jobs.first-poll (" + firstPoll + ")");
            }
            positive(maxSubmitBackoff, "max-submit-backoff");
            positive(holdMargin, "hold-margin");
            positive(sweepInterval, "sweep-interval");
            if (deadline != null && holdMargin != null) {
                // a job's hold lives for its deadline plus the margin; the ledger refuses a longer one
                for (AssetType type : AssetType.values()) {
                    Duration d = deadline.of(type);
                    if (d != null && d.plus(holdMargin).compareTo(Ledger.MAX_TTL) > 0) {
                        String name = type == AssetType.IMAGE ? "image" : "video";
                        throw new IllegalArgumentException("renderbank.jobs.deadline." + name + " (" + d
                                + ") + renderbank.jobs.hold-margin (" + holdMargin + ") must be at most "
                                + Ledger.MAX_TTL.toDays() + "d, the longest a hold may live");
                    }
                }
            }
            if (deadline != null && minTimeLeft != null) {
                // at or above the deadline, every job the provider could not take at once would fail
                for (AssetType type : AssetType.values()) {
                    Duration d = deadline.of(type);
                    Duration left = minTimeLeft.of(type);
                    if (d != null && left != null && left.compareTo(d) >= 0) {
                        String name = type == AssetType.IMAGE ? "image" : "video";
                        throw new IllegalArgumentException("renderbank.jobs.min-time-left." + name + " (" + left
                                + ") must be less than renderbank.jobs.deadline." + name + " (" + d + ")");
                    }
                }
            }
            if (submitConcurrency < 1) {
                throw new IllegalArgumentException("renderbank.jobs.submit-concurrency must be at least 1");
            }
            if (submitConnections < 1) {
                throw new IllegalArgumentException("renderbank.jobs.submit-connections must be at least 1");
            }
            if (submitQueue < 0) {
                throw new IllegalArgumentException("renderbank.jobs.submit-queue must be 0 or more");
            }
            positive(lateDeliveryRetry, "late-delivery-retry");
            if (callbackConcurrency < 1) {
                throw new IllegalArgumentException("renderbank.jobs.callback-concurrency must be at least 1");
            }
            if (callbackQueue < 0) {
                throw new IllegalArgumentException("renderbank.jobs.callback-queue must be 0 or more");
            }
        }
    }

    public record DeadlinePerType(
            @DefaultValue("15m") Duration image,
            @DefaultValue("45m") Duration video) {
        public DeadlinePerType {
            positive(image, "deadline.image");
            positive(video, "deadline.video");
        }

        public Duration of(AssetType type) {
            return type == AssetType.IMAGE ? image : video;
        }
    }

    /** How long before its deadline a job is last sent to the provider (a generation takes minutes). */
    public record MinTimeLeftPerType(
            @DefaultValue("2m") Duration image,
            @DefaultValue("10m") Duration video) {
        public MinTimeLeftPerType {
            if (image != null && image.isNegative()) {
                throw new IllegalArgumentException(
                        "renderbank.jobs.min-time-left.image must be 0 or more (was " + image + ")");
            }
            if (video != null && video.isNegative()) {
                throw new IllegalArgumentException(
                        "renderbank.jobs.min-time-left.video must be 0 or more (was " + video + ")");
            }
        }

        public Duration of(AssetType type) {
            return type == AssetType.IMAGE ? image : video;
        }
    }

    /**
     * Server-sent event streams of job status ({@code renderbank.events.*}). {@code heartbeat}: a
     * comment sent this often, so a client that went away is noticed (its write fails) and its stream
     * dropped. {@code maxPerUser}: open streams one user may hold on one node (more is 429).
     * {@code rereadInterval}: how often a stream re-reads its job anyway; changes made on any node
     * arrive within milliseconds as database notifications, so this is only the fallback for a
     * notification that was lost (it was 2 s before notifications existed).
     */
    public record Events(
            @DefaultValue("15s") Duration heartbeat,
            @DefaultValue("20") int maxPerUser,
            @DefaultValue("10s") Duration rereadInterval) {

        public Events {
            if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
                throw new IllegalArgumentException("renderbank.events.heartbeat must be positive");
            }
            if (rereadInterval == null || rereadInterval.isNegative() || rereadInterval.isZero()) {
                throw new IllegalArgumentException("renderbank.events.reread-interval must be positive");
            }
            if (maxPerUser < 1) {
                throw new IllegalArgumentException("renderbank.events.max-per-user must be at least 1");
            }
        }
    }

    /** Refuses a zero or negative {@code renderbank.jobs.<key>}. */
    private static void positive(Duration d, String key) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("renderbank.jobs." + key + " must be positive (was " + d + ")");
        }
    }
}

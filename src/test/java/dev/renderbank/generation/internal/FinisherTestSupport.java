package dev.renderbank.generation.internal;

import java.time.Instant;

/**
 * Lets tests outside this package deliver an output to {@link JobFinisher} the way a second path
 * (callback, poll, sweeper) racing the first would, and read the finisher's answer, which no public
 * path returns.
 */
public final class FinisherTestSupport {

    private FinisherTestSupport() {}

    /**
     * Records that the provider took the job as {@code providerTaskId}, as a successful submit does,
     * without an HTTP round trip whose timeout a loaded machine can miss.
     */
    public static void submitted(JobTransitions transitions, String jobId, String providerTaskId, Instant now) {
        if (transitions.markSubmitStarted(jobId, now).isEmpty()
                || !transitions.markSubmitted(jobId, providerTaskId, now)) {
            throw new IllegalStateException("job " + jobId + " could not be marked submitted");
        }
    }

    /**
     * A job of user {@code userId} as an accept inserts it (RESERVED, callback token {@code "token"}),
     * but with no hold: failing it throws (nothing to release).
     */
    public static void insertWithoutHold(JobStore jobs, String id, long userId, Instant now, Instant deadline) {
        jobs.insert(Job.accepted(
                id,
                new Job.Request(
                        userId,
                        dev.renderbank.catalog.AssetType.IMAGE,
                        "nano-banana",
                        "a lighthouse",
                        "{}",
                        "google/nano-banana",
                        "{}",
                        10),
                "token",
                now,
                deadline));
    }

    /** Fails the job as a path bringing a failure would; true if this call finished it. */
    public static boolean fail(JobFinisher finisher, Job job, String code, String message, boolean notUsersFault) {
        return finisher.fail(job, code, message, notUsersFault);
    }

    /** Delivers an output (as if already stored under {@code key}); returns CHARGED, LATE_FREE, DUPLICATE or DISCARDED. */
    public static String deliver(JobFinisher finisher, Job job, String key) {
        JobFinisher.StoredOutput output =
                new JobFinisher.StoredOutput(key, "image/png", 4, "0".repeat(64), "http://provider.test/" + key);
        return finisher.succeed(job, output).name();
    }

    /**
     * One poll of {@code job} as its task's run would make it, from the copy given (which may be older
     * than the row: a poll under way when something else changed the job).
     */
    public static java.util.Optional<Instant> poll(
            org.springframework.context.ApplicationContext context, Job job, Instant now) {
        return context.getBean(JobPolling.class).poll(job, now);
    }

    /**
     * One try at a failed job's late result as its late-delivery task makes it, from the copy given
     * (which may be older than the row); returns DONE or AGAIN.
     */
    public static String lateDelivery(org.springframework.context.ApplicationContext context, Job job) {
        return context.getBean(JobPolling.class).lateDelivery(job).name();
    }

    /** A job's task as its submit's unclear answer records it ({@link TaskRecords#recordTaskOfUnknownJob}). */
    public static boolean recordUnclearTask(
            org.springframework.context.ApplicationContext context, String jobId, String task, Instant now) {
        return context.getBean(TaskRecords.class).recordTaskOfUnknownJob(jobId, task, now);
    }
}

package dev.renderbank.generation.internal;

import dev.renderbank.generation.AssetFileName;
import dev.renderbank.generation.AssetRef;
import dev.renderbank.generation.CancelOutcome;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.JobView;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Jobs and outputs as their owners and operators may see them, and the owner's cancel. */
@Component
public class JobQueries {

    private final JobStore jobs;
    private final OutputStore outputs;
    private final JobFinisher finisher;

    JobQueries(JobStore jobs, OutputStore outputs, JobFinisher finisher) {
        this.jobs = jobs;
        this.outputs = outputs;
        this.finisher = finisher;
    }

    /** The caller's job; another user's job is indistinguishable from a missing one. */
    public Optional<JobView> find(long userId, String jobId) {
        return owned(userId, jobId).map(Job::view);
    }

    private Optional<Job> owned(long userId, String jobId) {
        return jobs.find(jobId).filter(j -> j.userId() == userId);
    }

    /**
     * Cancels only a job the provider has not been asked about yet (KIE cannot cancel). A job its
     * owner cancelled already is answered as cancelled, as it is, with nothing done again: a client
     * whose first answer was lost sends the cancel again, and of two cancels at once one wins the
     * compare-and-set and the other finds the job cancelled (its update waits for the winner's commit
     * and then matches no row, so it reads the job after that commit). Only this owner can have cancelled it: {@link JobTransitions#CANCELLED_CODE} is the
     * owner's cancel alone (an operator's stop, a deadline, an account deletion have codes of their own).
     */
    public CancelOutcome cancel(long userId, String jobId) {
        Optional<Job> job = owned(userId, jobId);
        if (job.isEmpty()) {
            return new CancelOutcome.NotFound();
        }
        boolean cancelled = finisher.cancel(job.get());
        JobView now = find(userId, jobId)
                .orElseThrow(() -> new IllegalStateException("job " + jobId + " vanished while cancelled"));
        return cancelled || cancelledByOwner(now) ? new CancelOutcome.Cancelled(now) : new CancelOutcome.TooLate(now);
    }

    private static boolean cancelledByOwner(JobView job) {
        return job.state() == JobState.FAILED && JobTransitions.CANCELLED_CODE.equals(job.errorCode());
    }

    /** A stored output, only to the user who owns it. */
    public Optional<AssetRef> asset(long userId, String assetId) {
        return outputs.find(assetId)
                .filter(a -> a.userId() == userId)
                .map(a -> new AssetRef(a.id(), a.storageKey(), a.contentType(), a.size()));
    }

    /** The names the user's outputs among {@code assetIds} are saved under, by asset id (one query). */
    public Map<String, String> fileNames(long userId, Collection<String> assetIds) {
        Map<String, String> names = outputs.contentTypes(userId, assetIds);
        names.replaceAll(AssetFileName::of);
        return names;
    }

    public List<JobView> liveCreatedBefore(Instant before, int limit) {
        return jobs.liveCreatedBefore(before, limit).stream().map(Job::view).toList();
    }
}

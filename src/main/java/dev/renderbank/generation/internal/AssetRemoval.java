package dev.renderbank.generation.internal;

import dev.renderbank.generation.JobEvents;
import dev.renderbank.storage.AssetStore;
import dev.renderbank.storage.StorageUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An owner deletes a creation's file. The rows are marked and the stored file deleted in one
 * transaction: its mark holds the asset's row until the file is gone, so a second delivery of the
 * same result (a callback racing the poll) that copies it to the job's key in the meantime waits
 * for the commit ({@link OutputStore#storedAndKept}) and then sees the deletion and discards its
 * copy, never a marked row whose file came back. A failed delete rolls the marks back; a crash, or
 * a store failing after the file went but before the commit, leaves an unmarked row without a file
 * (its download answers 404) that the owner's repeat finishes. The job and its charge stay: the
 * credits were spent on a result that was delivered. The job's row is locked before the asset's, as
 * the account's clean-up and a delivery lock them. The storage call (a local delete, or S3's
 * DeleteObject within its client's timeouts) holds a database connection while it runs; owners
 * delete rarely.
 */
@Component
public class AssetRemoval {

    private static final Logger log = LoggerFactory.getLogger(AssetRemoval.class);

    private final JobStore jobs;
    private final OutputStore outputs;
    private final AssetStore store;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final JobEvents events;

    AssetRemoval(
            JobStore jobs,
            OutputStore outputs,
            AssetStore store,
            TransactionTemplate tx,
            Clock clock,
            JobEvents events) {
        this.jobs = jobs;
        this.outputs = outputs;
        this.store = store;
        this.tx = tx;
        this.clock = clock;
        this.events = events;
    }

    /** Deletes the output of the caller's job; false when there is none (or not the caller's). */
    public boolean deleteForJob(long userId, String jobId) {
        Optional<String> assetId = jobs.find(jobId)
                .filter(j -> j.userId() == userId && j.assetDeletedAt() == null)
                .map(Job::assetId);
        return assetId.isPresent() && delete(userId, assetId.get());
    }

    /** Deletes one of the caller's outputs; false when it does not exist, is gone, or is another's. */
    public boolean delete(long userId, String assetId) {
        Optional<OutputStore.AssetRow> asset = outputs.find(assetId).filter(a -> a.userId() == userId);
        if (asset.isEmpty()) {
            return false;
        }
        boolean marked = Boolean.TRUE.equals(tx.execute(status -> {
            // the job's row before the asset's, the order the account's clean-up takes them in
            // (AccountDeletedJobs): the other order deadlocks with it
            jobs.lock(asset.get().jobId());
            if (!outputs.markDeleted(asset.get(), clock.instant())) {
                return false; // a concurrent delete marked it first, and deletes the file
            }
            try {
                store.delete(asset.get().storageKey());
            } catch (IOException e) {
                throw new StorageUnavailableException("could not delete the file of asset " + assetId, e);
            }
            return true;
        }));
        if (marked) {
            log.info(
                    "asset {} of job {} deleted by its owner",
                    assetId,
                    asset.get().jobId());
            events.changed(asset.get().jobId());
        }
        return true;
    }
}

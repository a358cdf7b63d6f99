package dev.renderbank.generation.internal;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.renderbank.storage.AssetStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The copy of a result nobody may keep (its account or its file was deleted while it was being
 * copied) is deleted at once; when the storage fails that delete, a durable task deletes it later,
 * tried again with backoff ({@link JobTasks}). No row names such a file, so nothing else would ever
 * find it: without the task it would stay in storage for good.
 */
@Component
class DiscardedOutputs {

    static final String TASK = "generation-discarded-output";

    /** The first try again after a failed delete; later tries back off from it (doubling). */
    static final Duration FIRST_RETRY = Duration.ofSeconds(30);

    /**
     * Tries after the first failed delete before the file is left to an operator: 30 s doubling, 15
     * times, about 11 days in all.
     */
    static final int MAX_TRIES = 15;

    private static final Logger log = LoggerFactory.getLogger(DiscardedOutputs.class);

    private final AssetStore assets;
    private final OutputStore outputs;
    private final ObjectProvider<SchedulerClient> scheduler;
    private final Clock clock;

    DiscardedOutputs(AssetStore assets, OutputStore outputs, ObjectProvider<SchedulerClient> scheduler, Clock clock) {
        this.assets = assets;
        this.outputs = outputs;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Deletes the job's discarded copy at {@code key} now, or schedules its delete when that fails. */
    void discard(String jobId, String key) {
        try {
            assets.delete(key);
        } catch (IOException e) {
            log.warn(
                    "job {}: the discarded result {} could not be deleted now, tried again later: {}",
                    jobId,
                    key,
                    e.toString());
            try {
                scheduler
                        .getObject()
                        .scheduleIfNotExists(
                                new TaskInstance<>(TASK, key, jobId),
                                clock.instant().plus(FIRST_RETRY));
            } catch (RuntimeException scheduling) {
                log.error(
                        "job {}: the discarded result {} could not be deleted, nor its delete scheduled: it stays in"
                                + " storage until removed by hand ({})",
                        jobId,
                        key,
                        scheduling.toString());
            }
        }
    }

    /** One later try: the copy is deleted unless an asset of its job keeps that key after all. */
    void deleteLater(String jobId, String key) throws IOException {
        if (outputs.storedAndKept(jobId, key)) {
            log.info("job {}: {} is its kept result now, not deleted", jobId, key);
            return;
        }
        assets.delete(key);
        log.info("job {}: the discarded result {} is deleted", jobId, key);
    }
}

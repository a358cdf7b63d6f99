package dev.renderbank.generation.internal;

import dev.renderbank.identity.AccountDeleted;
import dev.renderbank.platform.DurableEventHandler;
import dev.renderbank.storage.AssetStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A deleted account's generations: running jobs are failed and their holds released (the provider
 * cannot cancel; a result arriving later is neither stored nor announced), stored files
 * deleted, prompts, provider inputs and options other than the priced ones (resolution, duration)
 * blanked. Job rows stay (prices, priced options, states, times) because the ledger's entries refer to
 * them and the margins report counts what the provider charged for them. Idempotent: a second run
 * finds nothing live, no files, nothing to blank.
 */
@Component
class AccountDeletedJobs implements DurableEventHandler<AccountDeleted> {

    static final String CODE = "ACCOUNT_DELETED";
    static final String MESSAGE = "The account was deleted";

    /**
     * The options a job's price and provider cost depend on (resolution, duration), kept on deletion:
     * they are not personal data, and without them the margins report cannot know what the provider
     * charged for the job. Everything else (reference image URLs, format, aspect) is dropped.
     */
    static final String PRICED_OPTIONS = """
            jsonb_strip_nulls(jsonb_build_object(
                'resolution', options::jsonb -> 'resolution',
                'durationSeconds', options::jsonb -> 'durationSeconds'))::text""";

    private static final Logger log = LoggerFactory.getLogger(AccountDeletedJobs.class);

    private final JdbcClient jdbc;
    private final JobStore jobs;
    private final JobFinisher finisher;
    private final AssetStore assets;
    private final LimitStore limits;

    AccountDeletedJobs(JdbcClient jdbc, JobStore jobs, JobFinisher finisher, AssetStore assets, LimitStore limits) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.finisher = finisher;
        this.assets = assets;
        this.limits = limits;
    }

    @Override
    public String name() {
        return "generation.account-deleted";
    }

    @Override
    public Class<AccountDeleted> eventType() {
        return AccountDeleted.class;
    }

    @Override
    public void handle(AccountDeleted event) {
        long userId = event.userId();
        // First, so that the jobs read next include every accept that was under way (authenticated
        // before the deletion): closing waits for those to commit, and refuses the ones after it.
        limits.close(userId);
        List<String> live = jdbc.sql("select id from generation_job where user_id = :u and " + JobStore.IS_LIVE)
                .param("u", userId)
                .query(String.class)
                .list();
        int released = 0;
        for (String id : live) {
            var job = jobs.find(id).orElseThrow(() -> new IllegalStateException("job " + id + " vanished"));
            if (finisher.fail(job, CODE, MESSAGE, false)) {
                released++;
            }
        }
        // Waits for any late delivery of this user being stored right now (it holds its job's row):
        // that one commits first and its file is deleted below; any later one sees the deletion and
        // stores nothing (JobFinisher).
        jdbc.sql("select id from generation_job where user_id = :u order by id for update")
                .param("u", userId)
                .query(String.class)
                .list();
        List<String> files = jdbc.sql("select storage_key from generation_asset where user_id = :u")
                .param("u", userId)
                .query(String.class)
                .list();
        for (String key : files) {
            try {
                assets.delete(key);
            } catch (IOException e) {
                throw new UncheckedIOException("asset " + key + " of deleted user " + userId + " not deleted yet", e);
            }
        }
        // and what no row names: a result a node stored and was killed before recording (or a
        // discarded copy whose delete never ran); every result of the user is under this prefix
        try {
            int unrecorded = assets.deleteUnder("jobs/" + userId + "/");
            if (unrecorded > 0) {
                log.info("deleted user {}: {} stored results no record named were deleted too", userId, unrecorded);
            }
        } catch (IOException e) {
            // a sweep for what only a crash leaves: the store may refuse a listing (a policy without
            // s3:ListBucket) where it deletes named files; the deletion's other steps must not wait on it
            log.warn(
                    "deleted user {}: stored results no record names could not be looked for ({});"
                            + " the recorded ones are deleted",
                    userId,
                    e.getMessage());
        }
        jdbc.sql("delete from generation_asset where user_id = :u")
                .param("u", userId)
                .update();
        jdbc.sql("delete from idempotency_record where user_id = :u")
                .param("u", userId)
                .update();
        int blanked = jdbc.sql("""
                        update generation_job set prompt = '', options = (""" + PRICED_OPTIONS + """
                               ), provider_input = '{}', asset_id = null
                         where user_id = :u and (prompt <> '' or asset_id is not null)""").param("u", userId).update();
        log.info(
                "account {} deleted: {} running job(s) released, {} file(s) deleted, {} job(s) blanked",
                userId,
                released,
                files.size(),
                blanked);
    }
}

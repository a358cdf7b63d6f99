package dev.renderbank.generation.internal;

import static dev.renderbank.platform.Rows.expectOne;

import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code generation_asset}: the stored outputs of jobs, each owned by the job's user. */
@Repository
class OutputStore {

    private final JdbcClient jdbc;

    OutputStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(
            String assetId,
            Job job,
            String storageKey,
            String contentType,
            long size,
            String sha256,
            String sourceUrl,
            Instant now) {
        int rows = jdbc.sql("""
                        insert into generation_asset (id, job_id, user_id, storage_key, content_type, size_bytes, sha256,
                                                      source_url, created_at)
                        values (:id, :job, :user, :key, :ct, :size, :sha, :src, :now)""")
                .param("id", assetId)
                .param("job", job.id())
                .param("user", job.userId())
                .param("key", storageKey)
                .param("ct", contentType)
                .param("size", size)
                .param("sha", sha256)
                .param("src", sourceUrl)
                .param("now", SqlTime.ts(now))
                .update();
        expectOne(rows, "insert of asset " + assetId);
    }

    /** The types of the user's stored outputs among {@code assetIds} (not deleted ones), by asset id. */
    Map<String, String> contentTypes(long userId, Collection<String> assetIds) {
        Map<String, String> types = new HashMap<>();
        if (assetIds.isEmpty()) {
            return types;
        }
        jdbc.sql("""
                        select id, content_type from generation_asset
                         where user_id = :user and id in (:ids) and deleted_at is null""").param("user", userId).param("ids", assetIds).query(rs -> {
            types.put(rs.getString("id"), rs.getString("content_type"));
        });
        return types;
    }

    /** A stored output that has not been deleted by its owner. */
    Optional<AssetRow> find(String assetId) {
        return jdbc.sql("""
                        select id, job_id, user_id, storage_key, content_type, size_bytes from generation_asset
                         where id = :id and deleted_at is null""")
                .param("id", assetId)
                .query((rs, n) -> new AssetRow(
                        rs.getString("id"),
                        rs.getString("job_id"),
                        rs.getLong("user_id"),
                        rs.getString("storage_key"),
                        rs.getString("content_type"),
                        rs.getLong("size_bytes")))
                .optional();
    }

    /**
     * Whether the job has an output stored under {@code storageKey} that has not been deleted. A
     * deletion of it under way holds its row ({@link AssetRemoval} marks it, then deletes the file,
     * then commits): this waits for that deletion and answers after it.
     */
    boolean storedAndKept(String jobId, String storageKey) {
        return jdbc.sql("""
                        select count(*) > 0 from (select 1 from generation_asset
                                                   where job_id = :job and storage_key = :key and deleted_at is null
                                                     for share) kept""")
                .param("job", jobId)
                .param("key", storageKey)
                .query(Boolean.class)
                .single();
    }

    /**
     * Marks an output deleted, and its job's output with it, in the caller's transaction. False when
     * a concurrent delete marked it first.
     */
    boolean markDeleted(AssetRow asset, Instant now) {
        int rows = jdbc.sql("update generation_asset set deleted_at = :now where id = :id and deleted_at is null")
                .param("now", SqlTime.ts(now))
                .param("id", asset.id())
                .update();
        if (rows == 0) {
            return false;
        }
        // the job's version grows so that its event stream tells open pages the file is gone; every
        // asset row is its job's asset (a duplicate delivery's row is rolled back), so this is one row
        jdbc.sql("""
                        update generation_job set asset_deleted_at = :now, version = version + 1, updated_at = :now
                         where id = :job and asset_id = :id and asset_deleted_at is null""")
                .param("now", SqlTime.ts(now))
                .param("job", asset.jobId())
                .param("id", asset.id())
                .update();
        return true;
    }

    record AssetRow(String id, String jobId, long userId, String storageKey, String contentType, long size) {}
}

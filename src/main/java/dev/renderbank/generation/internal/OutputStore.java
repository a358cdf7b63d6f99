package dev.renderbank.generation.internal;

import static dev.renderbank.platform.Rows.expectOne;

import dev.renderbank.platform.SqlTime;
import java.time.Instant;
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

    Optional<AssetRow> find(String assetId) {
        return jdbc.sql(
                        "select id, user_id, storage_key, content_type, size_bytes from generation_asset where id = :id")
                .param("id", assetId)
                .query((rs, n) -> new AssetRow(
                        rs.getString("id"),
                        rs.getLong("user_id"),
                        rs.getString("storage_key"),
                        rs.getString("content_type"),
                        rs.getLong("size_bytes")))
                .optional();
    }

    record AssetRow(String id, long userId, String storageKey, String contentType, long size) {}
}

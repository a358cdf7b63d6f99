package dev.renderbank.generation.internal;

import dev.renderbank.generation.ModelStats;
import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Operators' reads over all jobs: stuck ones, counts, per-model success and timing. */
@Repository
class JobStats {

    private final JdbcClient jdbc;

    JobStats(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Live jobs that are UNKNOWN, accepted before {@code overdue}, or unchanged since {@code quiet}. */
    List<Object[]> stuck(Instant overdue, Instant quiet, int limit) {
        return jdbc.sql("select *, case when state = 'UNKNOWN' then 'unknown'"
                        + " when created_at < :overdue then 'overdue' else 'quiet' end as why"
                        + " from generation_job where " + JobStore.IS_LIVE
                        + " and (state = 'UNKNOWN' or created_at < :overdue"
                        + "      or (state in ('SUBMITTED', 'RUNNING') and updated_at < :quiet))"
                        + " order by created_at limit :limit")
                .param("overdue", SqlTime.ts(overdue))
                .param("quiet", SqlTime.ts(quiet))
                .param("limit", limit)
                .query((rs, n) -> new Object[] {JobStore.map(rs, n), rs.getString("why")})
                .list();
    }

    /** Live jobs by state, and jobs finished since {@code since} by state. */
    Map<String, Long> byState(Instant since) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String s : List.of("RESERVED", "SUBMITTED", "RUNNING", "UNKNOWN", "SUCCEEDED", "FAILED")) {
            counts.put(s, 0L);
        }
        // live said as JobStore.IS_LIVE (completed_at is null too): then the live-job index serves that
        // arm and generation_job_completed_idx the other, instead of a scan of every job ever run
        jdbc.sql("select state, count(*) as n from generation_job where (" + JobStore.IS_LIVE
                        + ") or completed_at >= :since group by state")
                .param("since", SqlTime.ts(since))
                .query((rs, n) -> counts.put(rs.getString("state"), rs.getLong("n")))
                .list();
        return counts;
    }

    /**
     * Failure codes of jobs ended by their owner, not by the model or the provider: a cancel, and the
     * account's deletion. Not failures in the success rate ({@link ModelStats}).
     */
    static final List<String> ENDED_BY_OWNER = List.of(JobTransitions.CANCELLED_CODE, AccountDeletedJobs.CODE);

    List<ModelStats> perModel(Instant since) {
        return jdbc.sql("""
                        select model,
                               count(*) as finished,
                               count(*) filter (where state = 'FAILED' and error_code in (:byOwner)) as by_owner,
                               count(*) filter (where state = 'SUCCEEDED') as succeeded,
                               percentile_cont(0.5) within group (order by extract(epoch from completed_at - created_at))
                                   filter (where state = 'SUCCEEDED') as p50,
                               percentile_cont(0.95) within group (order by extract(epoch from completed_at - created_at))
                                   filter (where state = 'SUCCEEDED') as p95
                          from generation_job
                         where state in ('SUCCEEDED', 'FAILED') and completed_at >= :since
                         group by model order by model""")
                .param("since", SqlTime.ts(since))
                .param("byOwner", ENDED_BY_OWNER)
                .query((rs, n) -> new ModelStats(
                        rs.getString("model"),
                        rs.getLong("finished"),
                        rs.getLong("by_owner"),
                        rs.getLong("succeeded"),
                        (Double) rs.getObject("p50"),
                        (Double) rs.getObject("p95")))
                .list();
    }

    /** Failed jobs since {@code since} by their reason code, most frequent first. */
    Map<String, Long> failureReasons(Instant since) {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("""
                        select coalesce(error_code, 'unknown') as code, count(*) as n from generation_job
                         where state = 'FAILED' and completed_at >= :since group by 1 order by 2 desc, 1""")
                .param("since", SqlTime.ts(since))
                .query((rs, n) -> counts.put(rs.getString("code"), rs.getLong("n")))
                .list();
        return counts;
    }
}

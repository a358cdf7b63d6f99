package dev.renderbank.generation.internal;

import dev.renderbank.generation.JobCostRow;
import dev.renderbank.platform.SqlTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** What jobs cost at the provider and earned, by UTC day, model and priced option (the margins page). */
@Repository
public class JobCosts {

    private final JdbcClient jdbc;

    JobCosts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Jobs accepted in [from, to) that the provider accepted (a provider task id: the provider was
     * paid) or that charged credits. Cancelled and refused-before-the-provider jobs cost nothing.
     */
    public List<JobCostRow> rows(Instant from, Instant to) {
        return jdbc.sql("""
                        select (created_at at time zone 'UTC')::date as day, model,
                               options::jsonb ->> 'resolution' as resolution,
                               (options::jsonb ->> 'durationSeconds')::int as duration,
                               count(*) filter (where provider_task_id is not null) as paid,
                               count(*) filter (where provider_task_id is not null and state = 'FAILED') as failed,
                               coalesce(sum(credits_charged), 0) as charged
                          from generation_job
                         where created_at >= :from and created_at < :to
                           and (provider_task_id is not null or credits_charged > 0)
                         group by 1, 2, 3, 4
                         order by 1, 2, 3, 4""")
                .param("from", SqlTime.ts(from))
                .param("to", SqlTime.ts(to))
                .query((rs, n) -> new JobCostRow(
                        rs.getObject("day", LocalDate.class),
                        rs.getString("model"),
                        rs.getString("resolution"),
                        (Integer) rs.getObject("duration"),
                        rs.getLong("paid"),
                        rs.getLong("failed"),
                        rs.getLong("charged")))
                .list();
    }
}

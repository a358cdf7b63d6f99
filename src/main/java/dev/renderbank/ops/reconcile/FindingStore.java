package dev.renderbank.ops.reconcile;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.ops.Finding;
import dev.renderbank.ops.FindingKind;
import dev.renderbank.ops.ReconciliationReport;
import dev.renderbank.platform.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Reconciliation runs and their findings, with the evidence as JSON. */
@Repository
public class FindingStore {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final JdbcClient jdbc;

    FindingStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public long start(String trigger, String actor, Instant windowFrom, Instant now) {
        return jdbc.sql("""
                        insert into reconciliation_run (trigger, actor, window_from, started_at)
                        values (:trigger, :actor, :from, :now) returning id""")
                .param("trigger", trigger)
                .param("actor", actor)
                .param("from", ts(windowFrom))
                .param("now", ts(now))
                .query(Long.class)
                .single();
    }

    /**
     * Stores the run's findings and closes it, in the caller's transaction. A finding the previous run
     * found too, still unrepaired, keeps where it was first seen ({@code seen_since}); a new one was
     * first seen when its object was created ({@link Found#since}), or, not knowing that, at the
     * start of this run's window. A finding of an object an operator repaired while this run was
     * reading the providers (after it started), with the same evidence as the finding that repair
     * closed, is stored as repaired by it: the run read the difference the repair closed (a
     * difference that changed since, a second refund say, stays open). A finding an operator
     * acknowledged with the same evidence ({@link Acknowledgements#of}) is stored acknowledged by that
     * record.
     */
    public void finish(long runId, List<Found> found, List<String> skipped, Instant now, Acknowledgements acks) {
        Long previous = jdbc.sql("select max(id) from reconciliation_run where finished_at is not null and id < :run")
                .param("run", runId)
                .query(Long.class)
                .optional()
                .orElse(null);
        for (Found f : found) {
            Optional<Acknowledgements.Acknowledged> ack = acks.of(f);
            jdbc.sql("""
                            with repair as (
                                select p.repaired_at, p.repaired_by from reconciliation_finding p
                                 where p.kind = :kind and p.subject = :subject and p.repaired_by is not null
                                   and p.evidence = cast(:evidence as jsonb)
                                   and p.repaired_at >= (select started_at from reconciliation_run where id = :run)
                                 order by p.repaired_at desc limit 1)
                            insert into reconciliation_finding
                                   (run_id, kind, subject, evidence, repairable, created_at, seen_since,
                                    repaired_at, repaired_by, acknowledged_at, acknowledged_by)
                            values (:run, :kind, :subject, cast(:evidence as jsonb), :repairable, :now,
                                    coalesce((select min(coalesce(p.seen_since, r.window_from))
                                                from reconciliation_finding p
                                                join reconciliation_run r on r.id = p.run_id
                                               where p.run_id = :previous and p.kind = :kind
                                                 and p.subject = :subject and p.repaired_at is null),
                                             :since,
                                             (select window_from from reconciliation_run where id = :run)),
                                    (select repaired_at from repair), (select repaired_by from repair),
                                    :acknowledgedAt, :acknowledgedBy)""")
                    .param("run", runId)
                    .param("previous", previous, java.sql.Types.BIGINT)
                    .param("since", ts(f.since()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                    .param("kind", f.kind().name())
                    .param("subject", f.subject())
                    .param("evidence", JSON.writeValueAsString(f.evidence()))
                    .param("repairable", f.repairable())
                    .param("now", ts(now))
                    .param(
                            "acknowledgedAt",
                            ack.map(a -> ts(a.at())).orElse(null),
                            java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                    .param("acknowledgedBy", ack.map(a -> a.actionId()).orElse(null), java.sql.Types.BIGINT)
                    .update();
        }
        Rows.expectOne(
                jdbc.sql("""
                                update reconciliation_run set finished_at = :now, findings = :n,
                                       skipped = cast(:skipped as jsonb)
                                 where id = :id and finished_at is null""")
                        .param("now", ts(now))
                        .param("n", found.size())
                        .param("skipped", JSON.writeValueAsString(skipped))
                        .param("id", runId)
                        .update(),
                "reconciliation run " + runId + " finished twice");
    }

    public Optional<ReconciliationReport> latest() {
        return jdbc.sql("select max(id) from reconciliation_run where finished_at is not null")
                .query(Long.class)
                .optional()
                .flatMap(this::report);
    }

    public Optional<ReconciliationReport> report(long runId) {
        return jdbc.sql("""
                        select id, trigger, actor, window_from, started_at, finished_at, skipped::text as skipped
                          from reconciliation_run where id = :id""")
                .param("id", runId)
                .query((rs, n) -> new ReconciliationReport(
                        rs.getLong("id"),
                        rs.getString("trigger"),
                        rs.getString("actor"),
                        instant(rs, "window_from"),
                        instant(rs, "started_at"),
                        instant(rs, "finished_at"),
                        List.of(JSON.readValue(rs.getString("skipped"), String[].class)),
                        findings(rs.getLong("id"))))
                .optional();
    }

    public List<Finding> findings(long runId) {
        return jdbc.sql("select * from reconciliation_finding where run_id = :run order by id")
                .param("run", runId)
                .query((rs, n) -> finding(rs))
                .list();
    }

    public Optional<Finding> finding(long id) {
        return jdbc.sql("select * from reconciliation_finding where id = :id for update")
                .param("id", id)
                .query((rs, n) -> finding(rs))
                .optional();
    }

    /**
     * Marks a finding repaired by the audit record {@code actionId}, in that record's transaction;
     * false if another repair got there first. Two repairs at once queue on the row: the second
     * sees the first's committed mark and changes nothing. (A row repaired before the audit id was
     * written here, with {@code repaired_at} but no {@code repaired_by}, keeps its time and gets
     * its record.)
     */
    public boolean markRepaired(long id, long actionId, Instant now) {
        boolean marked = jdbc.sql("""
                                update reconciliation_finding set repaired_at = coalesce(repaired_at, :now), repaired_by = :action
                                 where id = :id and repaired_by is null""")
                        .param("now", ts(now))
                        .param("action", actionId)
                        .param("id", id)
                        .update()
                == 1;
        if (marked) {
            // the object is repaired: other runs' findings of it (the same difference, found again
            // before the repair) are repaired by the same record, not left open to be repaired twice
            jdbc.sql("""
                            update reconciliation_finding o set repaired_at = :now, repaired_by = :action
                              from reconciliation_finding f
                             where f.id = :id and o.kind = f.kind and o.subject = f.subject
                               and o.id <> f.id and o.repaired_by is null""")
                    .param("now", ts(now))
                    .param("action", actionId)
                    .param("id", id)
                    .update();
        }
        return marked;
    }

    /** An unrepaired, repairable finding of the latest run, with where it was first seen. */
    public record Open(FindingKind kind, String subject, String evidence, Instant since) {}

    /** The unrepaired, repairable findings of {@code kinds} in the latest finished run. */
    public List<Open> open(List<FindingKind> kinds) {
        return open(kinds, true);
    }

    /**
     * The unrepaired findings of {@code kinds} in the latest finished run, repairable or not: those a
     * run that could not check their source carries ({@code JOB_PROVIDER_DISAGREES} has no repair).
     */
    public List<Open> unrepaired(List<FindingKind> kinds) {
        return open(kinds, false);
    }

    private List<Open> open(List<FindingKind> kinds, boolean repairableOnly) {
        return jdbc.sql("""
                        select f.kind, f.subject, f.evidence::text as evidence,
                               coalesce(f.seen_since, r.window_from) as since
                          from reconciliation_finding f join reconciliation_run r on r.id = f.run_id
                         where f.repaired_at is null and (f.repairable or not :repairableOnly) and f.kind in (:kinds)
                           and f.run_id = (select max(id) from reconciliation_run where finished_at is not null)
                         order by f.id""")
                .param("kinds", kinds.stream().map(Enum::name).toList())
                .param("repairableOnly", repairableOnly)
                .query((rs, n) -> new Open(
                        FindingKind.valueOf(rs.getString("kind")),
                        rs.getString("subject"),
                        rs.getString("evidence"),
                        instant(rs, "since")))
                .list();
    }

    /** Unrepaired, unacknowledged findings of {@code kind} in the latest finished run. */
    public long openCount(FindingKind kind) {
        return jdbc.sql("""
                        select count(*) from reconciliation_finding
                         where kind = :kind and repaired_at is null and acknowledged_by is null
                           and run_id = (select max(id) from reconciliation_run where finished_at is not null)""").param("kind", kind.name()).query(Long.class).single();
    }

    private static Finding finding(ResultSet rs) throws SQLException {
        Long by = rs.getObject("repaired_by", Long.class);
        return new Finding(
                rs.getLong("id"),
                rs.getLong("run_id"),
                FindingKind.valueOf(rs.getString("kind")),
                rs.getString("subject"),
                rs.getString("evidence"),
                rs.getBoolean("repairable"),
                instant(rs, "repaired_at"),
                by,
                instant(rs, "acknowledged_at"),
                rs.getObject("acknowledged_by", Long.class));
    }

    /** The acknowledged findings (committed), as a run compares its findings with them. */
    public Acknowledgements acknowledgements() {
        Map<String, List<Acknowledgements.Acknowledged>> byFinding = new HashMap<>();
        jdbc.sql("select kind, subject, evidence::text as evidence, action_id, acknowledged_at"
                        + " from reconciliation_acknowledgement")
                .query((RowCallbackHandler) rs -> byFinding
                        .computeIfAbsent(
                                Acknowledgements.key(rs.getString("kind"), rs.getString("subject")),
                                k -> new java.util.ArrayList<>())
                        .add(new Acknowledgements.Acknowledged(
                                rs.getLong("action_id"),
                                instant(rs, "acknowledged_at"),
                                Acknowledgements.normal(rs.getString("evidence")))));
        return new Acknowledgements(byFinding);
    }

    /**
     * Acknowledges the finding {@code id} by the audit record {@code actionId}, in that record's
     * transaction: its kind and subject are acknowledged with its evidence (an acknowledgement of other
     * evidence of the same subject stays, covering only that evidence), and every unrepaired finding of
     * the same kind, subject and evidence, in any run, is marked acknowledged. False if it was acknowledged or repaired first.
     */
    public boolean acknowledge(long id, long actionId, Instant now) {
        int marked = jdbc.sql("""
                        update reconciliation_finding set acknowledged_at = :now, acknowledged_by = :action
                         where id = :id and acknowledged_by is null and repaired_at is null""")
                .param("now", ts(now))
                .param("action", actionId)
                .param("id", id)
                .update();
        if (marked != 1) {
            return false;
        }
        Rows.expectOne(
                jdbc.sql("""
                                insert into reconciliation_acknowledgement (kind, subject, evidence, action_id, acknowledged_at)
                                select kind, subject, evidence - 'notCheckedAgain', :action, :now
                                  from reconciliation_finding where id = :id
                                on conflict (kind, subject, md5(evidence::text)) do update
                                   set action_id = excluded.action_id, acknowledged_at = excluded.acknowledged_at""")
                        .param("now", ts(now))
                        .param("action", actionId)
                        .param("id", id)
                        .update(),
                "acknowledgement of finding " + id);
        jdbc.sql("""
                        update reconciliation_finding o set acknowledged_at = :now, acknowledged_by = :action
                          from reconciliation_finding f
                         where f.id = :id and o.kind = f.kind and o.subject = f.subject and o.id <> f.id
                           and o.evidence - 'notCheckedAgain' = f.evidence - 'notCheckedAgain'
                           and o.acknowledged_by is null and o.repaired_at is null""")
                .param("now", ts(now))
                .param("action", actionId)
                .param("id", id)
                .update();
        return true;
    }
}

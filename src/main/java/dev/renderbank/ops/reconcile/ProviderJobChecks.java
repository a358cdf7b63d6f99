package dev.renderbank.ops.reconcile;

import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.ops.FindingKind;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderGateway;
import dev.renderbank.provider.QueryOutcome;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A sample of the jobs finished in the window (the latest ones that have settled), asked about at the generation provider (through its
 * facade, a read the provider allows to repeat): ours succeeded exactly when the provider's did. A job
 * we failed that the provider finished is a difference too: the provider was paid for it. The sample
 * ({@code renderbank.ops.reconcile.sample}) bounds the calls a run makes. A record in state success
 * without result URLs is no output, as generation reads it when it persists ({@code provider_no_output}):
 * a settled job's record is no longer being written, so it agrees with our failure and differs from
 * our success. A 404 (the provider has no such task) for a job we failed agrees with our failure: the
 * provider has no output we failed to deliver and finished nothing we reported failed (whether it
 * ever had the task cannot be told, and an operator could do nothing with it either), so the job is
 * neither a finding nor "not checked". Answers that tell nothing of the task (a 404 for a job we
 * charged, 5xx, a record without a state) leave the job not checked. A free late delivery (a job
 * failed, by its deadline or an operator, whose result came afterwards and is stored, uncharged)
 * agrees with the provider's success: the provider finished it and we delivered its output; an
 * operator would have nothing to repair.
 */
@Component
public class ProviderJobChecks {

    private record Sampled(
            String id,
            String state,
            String providerModel,
            String providerTaskId,
            String errorCode,
            boolean lateDelivery) {}

    /**
     * What a run could not check ({@code skipped}, one note naming the provider, with the answers'
     * reasons), and the subjects ({@code job:<id>}) of the sampled jobs the provider told nothing of:
     * an open difference of one of those stands, carried with the note.
     */
    public record Checked(List<String> skipped, Set<String> unanswered) {

        static final Checked NOTHING = new Checked(List.of(), Set.of());
    }

    private final JdbcClient jdbc;
    private final ProviderGateway provider;
    private final ReconcileProperties props;

    ProviderJobChecks(JdbcClient jdbc, ProviderGateway provider, ReconcileProperties props) {
        this.jdbc = jdbc;
        this.provider = provider;
        this.props = props;
    }

    /** Reports each difference to {@code found}; returns what could not be checked. */
    public Checked run(Instant from, Instant settled, Consumer<Found> found) {
        if (props.sample() == 0) {
            return Checked.NOTHING;
        }
        List<Sampled> sample = jdbc.sql("""
                        select id, state, provider_model, provider_task_id, error_code, late_delivery
                          from generation_job
                         where state in ('SUCCEEDED', 'FAILED') and provider_task_id is not null
                           and completed_at >= :from and completed_at < :settled
                         order by completed_at desc limit :sample""")
                .param("from", ts(from))
                .param("settled", ts(settled))
                .param("sample", props.sample())
                .query((rs, n) -> new Sampled(
                        rs.getString("id"),
                        rs.getString("state"),
                        rs.getString("provider_model"),
                        rs.getString("provider_task_id"),
                        rs.getString("error_code"),
                        rs.getBoolean("late_delivery")))
                .list();
        Set<String> unanswered = new LinkedHashSet<>();
        Set<String> reasons = new LinkedHashSet<>();
        for (Sampled job : sample) {
            // settled jobs: their records are old news, not the provider's standing now
            QueryOutcome answer = provider.queryFinished(job.providerModel(), job.providerTaskId());
            boolean noOutput = isSuccessWithoutUrls(answer);
            if ("FAILED".equals(job.state()) && isNotFound(answer)) {
                // the provider has no such task: no output we failed to deliver, nothing it finished
                // that we reported failed; agreement (or nothing to compare), not an unanswered query
                continue;
            }
            if (answer instanceof QueryOutcome.Unavailable u && !noOutput) {
                unanswered.add("job:" + job.id());
                reasons.add((u.error().code() > 0 ? u.error().code() + " " : "")
                        + u.error().message());
                continue;
            }
            boolean theirsSucceeded = answer instanceof QueryOutcome.Succeeded;
            boolean theirsFailed = answer instanceof QueryOutcome.Failed || noOutput;
            // a late delivery is the provider's success, stored free of charge
            boolean agree = "SUCCEEDED".equals(job.state()) || job.lateDelivery() ? theirsSucceeded : theirsFailed;
            if (!agree) {
                Map<String, Object> evidence = new LinkedHashMap<>();
                evidence.put("jobId", job.id());
                evidence.put("state", job.state());
                evidence.put("errorCode", job.errorCode());
                evidence.put("providerTaskId", job.providerTaskId());
                evidence.put("provider", describe(answer));
                found.accept(Found.of(FindingKind.JOB_PROVIDER_DISAGREES, "job:" + job.id(), evidence));
            }
        }
        if (unanswered.isEmpty()) {
            return Checked.NOTHING;
        }
        return new Checked(
                List.of("provider: " + unanswered.size() + " of " + sample.size()
                        + " sampled jobs could not be queried ("
                        + reasons.stream().limit(MAX_REASONS).collect(Collectors.joining("; "))
                        + (reasons.size() > MAX_REASONS ? "; …" : "") + ")"),
                Set.copyOf(unanswered));
    }

    /** How many different reasons a note names: enough to tell an outage from a refused key. */
    private static final int MAX_REASONS = 3;

    private static boolean isNotFound(QueryOutcome o) {
        return o instanceof QueryOutcome.Unavailable u && u.error().kind() == ProviderError.Kind.NOT_FOUND;
    }

    private static boolean isSuccessWithoutUrls(QueryOutcome o) {
        return o instanceof QueryOutcome.Unavailable u && u.error().kind() == ProviderError.Kind.INCOMPLETE_RECORD;
    }

    private static String describe(QueryOutcome o) {
        if (isSuccessWithoutUrls(o)) {
            return "succeeded without result URLs";
        }
        if (o instanceof QueryOutcome.Running r) {
            return "running (" + r.state() + ")";
        }
        if (o instanceof QueryOutcome.Failed f) {
            return "failed (" + f.failCode() + ": " + f.failMessage() + ")";
        }
        return "succeeded";
    }
}

package dev.renderbank.provider;

import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.platform.StorableText;
import dev.renderbank.provider.Availability.State;
import dev.renderbank.provider.internal.BalanceMonitor;
import dev.renderbank.provider.internal.ProviderProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The provider-availability state every node shares (one database row). Trips and clears are
 * conditional updates: only the call that makes the transition alerts operators, so a storm of
 * 402s from many jobs on many nodes raises one alert. The gateway trips it by itself on 402 and
 * 401 answers; {@link BalanceMonitor} clears it when a balance check shows credits again.
 */
@Service
public class ProviderStatus {

    private final JdbcClient jdbc;
    /** The longest detail kept on the status row (it quotes the provider's answer, which may hold a NUL). */
    private static final int MAX_DETAIL = 2000;

    private final OperatorAlerts alerts;
    private final Clock clock;
    private final Duration recheckInterval;
    private final long lowBalanceThreshold;
    private final TransactionTemplate ownTransaction;

    ProviderStatus(
            JdbcClient jdbc,
            OperatorAlerts alerts,
            Clock clock,
            ProviderProperties properties,
            PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.alerts = alerts;
        this.clock = clock;
        this.recheckInterval = properties.balance().recheckInterval();
        this.lowBalanceThreshold = properties.balance().lowThreshold();
        // A trip must stick even if a caller's transaction rolls back afterwards.
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    public Availability current() {
        return jdbc.sql("select state, since, detail from provider_status where id = 1")
                .query((rs, n) -> {
                    State state = State.valueOf(rs.getString("state"));
                    return new Availability(
                            state,
                            rs.getObject("since", OffsetDateTime.class).toInstant(),
                            rs.getString("detail"),
                            state == State.AVAILABLE ? Duration.ZERO : recheckInterval);
                })
                .single();
    }

    /** The provider is out of credits. Returns true for the call that made the transition (and alerted). */
    public boolean tripExhausted(String detail) {
        return trip(
                State.EXHAUSTED,
                detail,
                "provider.exhausted",
                "The generation provider is out of credits (" + detail + "). New generation requests are refused"
                        + " with 503 and accepted jobs wait until a balance check shows credits again. Top up the"
                        + " provider account.");
    }

    /** The provider refused our API key. Returns true for the call that made the transition (and alerted). */
    public boolean tripUnauthorized(String detail) {
        return trip(
                State.UNAUTHORIZED,
                detail,
                "provider.unauthorized",
                "The generation provider refused our API key (" + detail + "). New generation requests are"
                        + " refused with 503 until a balance check succeeds. Check renderbank.provider.kie.api-key.");
    }

    /** Back to AVAILABLE (a balance check showed credits, or an operator said so). True if it was tripped. */
    public boolean clear(String detail) {
        return Boolean.TRUE.equals(ownTransaction.execute(tx -> {
            int changed = jdbc.sql("update provider_status set state = 'AVAILABLE', since = :now, detail = :detail"
                            + " where id = 1 and state <> 'AVAILABLE'")
                    .param("now", now())
                    .param("detail", StorableText.of(detail, MAX_DETAIL))
                    .update();
            if (changed == 1) {
                alerts.raise("provider.available", "The generation provider is available again: " + detail);
            }
            return changed == 1;
        }));
    }

    private boolean trip(State state, String detail, String alertKind, String message) {
        return Boolean.TRUE.equals(ownTransaction.execute(tx -> {
            int changed = jdbc.sql("update provider_status set state = :state, since = :now, detail = :detail"
                            + " where id = 1 and state <> :state")
                    .param("state", state.name())
                    .param("now", now())
                    .param("detail", StorableText.of(detail, MAX_DETAIL))
                    .update();
            if (changed == 1) {
                alerts.raise(alertKind, message);
            }
            return changed == 1;
        }));
    }

    /**
     * A refusal that changes no state but tells operators something: the provider rate-limits us
     * (429) or is in maintenance (455). Only the last one is kept; jobs wait and retry meanwhile.
     */
    public void noteRefusal(int code, String detail) {
        ownTransaction.executeWithoutResult(tx -> jdbc.sql("""
                        update provider_status set last_refusal_code = :code, last_refusal_at = :now,
                               last_refusal_detail = :detail
                         where id = 1""")
                .param("code", code)
                .param("now", now())
                .param("detail", StorableText.of(detail, MAX_DETAIL))
                .update());
    }

    /** The last 429 or 455 the provider answered, if any. */
    public Optional<Refusal> lastRefusal() {
        return jdbc.sql("select last_refusal_code, last_refusal_at, last_refusal_detail from provider_status"
                        + " where id = 1 and last_refusal_code is not null")
                .query((rs, n) -> new Refusal(
                        rs.getInt("last_refusal_code"),
                        rs.getObject("last_refusal_at", OffsetDateTime.class).toInstant(),
                        rs.getString("last_refusal_detail")))
                .optional();
    }

    public record Refusal(int code, Instant at, String detail) {}

    /**
     * The provider answered 505: a feature (model) we offer is disabled there. Jobs that need it fail;
     * operators are told so they can pause the model ({@code switches set model:<id> paused}).
     */
    public void featureDisabled(String detail) {
        alerts.raise(
                "provider.feature-disabled",
                "The generation provider says a feature is disabled (" + detail + "). Jobs that need it fail"
                        + " and are released; consider pausing the model until the provider enables it again.");
    }

    /**
     * recordInfo answered 505 for a job's task: the feature the job uses is disabled at the provider,
     * so the job cannot be followed. Operators are told once per job (however often its polls and
     * callbacks meet the answer), with the same alert kind as a createTask 505.
     */
    public void featureDisabledForJob(String jobId, String providerTaskId, String providerModel, String detail) {
        alerts.raiseOnce(
                "provider.feature-disabled",
                "provider.feature-disabled:recordInfo:" + jobId,
                "The generation provider says a feature is disabled when asked about job " + jobId + " (KIE task "
                        + providerTaskId + ", model " + providerModel + "): " + detail + ". The job cannot be"
                        + " followed; it is asked again until its deadline, then failed and released. Consider"
                        + " pausing the model until the provider enables it again.");
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    /** The provider's credits at the last balance check (the monitor's row), empty if never read. */
    public java.util.OptionalLong lastKnownBalance() {
        Long credits = jdbc.sql("select credits from provider_balance where id = 1")
                .query(Long.class)
                .optional()
                .orElse(null);
        return credits == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(credits);
    }

    /** {@code renderbank.provider.balance.low-threshold}: below it operators are alerted. */
    public long lowBalanceThreshold() {
        return lowBalanceThreshold;
    }
}

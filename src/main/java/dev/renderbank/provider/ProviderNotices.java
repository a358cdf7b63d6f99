package dev.renderbank.provider;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.platform.StorableText;
import dev.renderbank.provider.ProviderStatus.Refusal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the provider tells us that changes no availability state but operators should know: the last
 * rate-limit or maintenance refusal (kept on the status row), and features (models) it has disabled
 * (alerts only). {@link ProviderStatus} answers for these; the state machine itself is {@link
 * AvailabilityTransitions}.
 */
@Component
class ProviderNotices {

    private final JdbcClient jdbc;
    private final OperatorAlerts alerts;
    private final Clock clock;
    private final TransactionTemplate ownTransaction;

    ProviderNotices(JdbcClient jdbc, OperatorAlerts alerts, Clock clock, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.alerts = alerts;
        this.clock = clock;
        // Kept even if a caller's transaction rolls back afterwards, like a trip.
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Only the last 429 or 455 is kept. */
    void noteRefusal(int code, String detail) {
        ownTransaction.executeWithoutResult(tx -> jdbc.sql("""
                        update provider_status set last_refusal_code = :code, last_refusal_at = :now,
                               last_refusal_detail = :detail
                         where id = 1""")
                .param("code", code)
                .param("now", clock.instant().atOffset(ZoneOffset.UTC))
                .param("detail", StorableText.of(detail, ProviderStatus.MAX_DETAIL))
                .update());
    }

    Optional<Refusal> lastRefusal() {
        return jdbc.sql("select last_refusal_code, last_refusal_at, last_refusal_detail from provider_status"
                        + " where id = 1 and last_refusal_code is not null")
                .query((rs, n) -> new Refusal(
                        rs.getInt("last_refusal_code"),
                        rs.getObject("last_refusal_at", OffsetDateTime.class).toInstant(),
                        rs.getString("last_refusal_detail")))
                .optional();
    }

    void featureDisabled(String detail) {
        alerts.raise(
                AlertKind.PROVIDER_FEATURE_DISABLED,
                "The generation provider says a feature is disabled (" + detail + "). Jobs that need it fail"
                        + " and are released; consider pausing the model until the provider enables it again.");
    }

    /** Once per job, with the same alert kind as a createTask 505. */
    void featureDisabledForJob(String jobId, String providerTaskId, String providerModel, String detail) {
        alerts.raiseOnce(
                AlertKind.PROVIDER_FEATURE_DISABLED,
                "provider.feature-disabled:recordInfo:" + jobId,
                "The generation provider says a feature is disabled when asked about job " + jobId + " (KIE task "
                        + providerTaskId + ", model " + providerModel + "): " + detail + ". The job cannot be"
                        + " followed; it is asked again until its deadline, then failed and released. Consider"
                        + " pausing the model until the provider enables it again.");
    }
}

package dev.renderbank.provider;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import dev.renderbank.platform.StorableText;
import dev.renderbank.provider.Availability.State;
import dev.renderbank.provider.internal.ProviderProperties;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The conditional updates behind {@link ProviderStatus}'s state machine, on the one shared {@code
 * provider_status} row: trips, clears, the operator's resume and the bookkeeping a balance check
 * needs (the trip epoch, the dearest refused cost, the balance at the last refusal). Each transition is
 * one locked or conditional statement, and the alert of a transition is raised in the same
 * transaction by the one call that made it.
 */
@Component
class AvailabilityTransitions {

    private final JdbcClient jdbc;
    private final OperatorAlerts alerts;
    private final Clock clock;
    private final long resumeThreshold;
    private final TransactionTemplate ownTransaction;

    AvailabilityTransitions(
            JdbcClient jdbc,
            OperatorAlerts alerts,
            Clock clock,
            ProviderProperties properties,
            PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.alerts = alerts;
        this.clock = clock;
        this.resumeThreshold = properties.balance().resumeThreshold();
        // A trip must stick even if a caller's transaction rolls back afterwards.
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Every trip counts up the epoch and keeps the dearest refused cost, whether or not it changes
     * the state; the row is locked first, so of concurrent trips exactly one sees the transition.
     * {@code yieldToOperator}: a balance reading's trip, which does nothing while an operator's resume
     * stands ({@link #resumeByOperator}); read under the same lock, so a resume cannot slip between.
     */
    boolean trip(
            State state,
            String detail,
            long refusedTaskCost,
            boolean yieldToOperator,
            AlertKind alertKind,
            String message) {
        return Boolean.TRUE.equals(ownTransaction.execute(tx -> {
            Map<String, Object> row = jdbc.sql(
                            "select state, resumed_by_operator from provider_status where id = 1 for update")
                    .query()
                    .singleRow();
            String before = (String) row.get("state");
            if (yieldToOperator && "AVAILABLE".equals(before) && Boolean.TRUE.equals(row.get("resumed_by_operator"))) {
                return false;
            }
            boolean transition = !state.name().equals(before);
            int updated = jdbc.sql("""
                            update provider_status
                               set state = :state,
                                   since = case when state = :state then since else :now end,
                                   detail = case when state = :state then detail else :detail end,
                                   trip_epoch = trip_epoch + 1,
                                   refused_task_cost = greatest(refused_task_cost, :cost),
                                   resumed_by_operator = false
                             where id = 1""")
                    .param("state", state.name())
                    .param("now", now())
                    .param("detail", StorableText.of(detail, ProviderStatus.MAX_DETAIL))
                    .param("cost", refusedTaskCost)
                    .update();
            if (updated != 1) {
                throw new IllegalStateException("the provider status row is missing");
            }
            if (transition) {
                alerts.raise(alertKind, message);
            }
            return transition;
        }));
    }

    /** Back to AVAILABLE whatever the balance, in its own transaction. True if it was tripped. */
    boolean clear(String detail) {
        return clearWhere("", Map.of(), detail);
    }

    /**
     * Back to AVAILABLE in the caller's transaction, marked as the operator's resume so that low
     * readings yield to it ({@link #trip}). True for the call that resumed it (and alerted).
     */
    boolean resumeByOperator(String detail) {
        int changed = jdbc.sql("update provider_status set state = 'AVAILABLE', since = :now, detail = :detail,"
                        + " refused_task_cost = 0, refused_at_balance = null, resumed_by_operator = true"
                        + " where id = 1 and state <> 'AVAILABLE'")
                .param("now", now())
                .param("detail", StorableText.of(detail, ProviderStatus.MAX_DETAIL))
                .update();
        if (changed == 1) {
            alerts.raise(AlertKind.PROVIDER_AVAILABLE, "The generation provider is available again: " + detail);
        }
        return changed == 1;
    }

    /** Low readings trip the state again from now on: the operator's resume no longer stands. */
    void readingEnough() {
        ownTransaction.executeWithoutResult(tx -> jdbc.sql(
                        "update provider_status set resumed_by_operator = false where id = 1 and resumed_by_operator")
                .update());
    }

    long tripEpoch() {
        return jdbc.sql("select trip_epoch from provider_status where id = 1")
                .query(Long.class)
                .single();
    }

    /**
     * Clears if no trip came since {@code epochBefore} and {@code credits} reach the resume threshold,
     * the dearest refused cost and more than the balance at the last refusal: one conditional
     * statement, so a trip that commits while it waits for the row makes it match nothing.
     */
    boolean resume(long epochBefore, long credits, String detail) {
        return clearWhere(
                " and trip_epoch = :epoch and greatest(:threshold, refused_task_cost) <= :credits"
                        + " and (refused_at_balance is null or refused_at_balance < :credits)",
                Map.of("epoch", epochBefore, "threshold", resumeThreshold, "credits", credits),
                detail);
    }

    void noteBalanceAtRefusal(long credits) {
        ownTransaction.executeWithoutResult(
                tx -> jdbc.sql("""
                        update provider_status set refused_at_balance = greatest(refused_at_balance, :credits)
                         where id = 1 and state = 'EXHAUSTED'""").param("credits", credits).update());
    }

    long resumesAt() {
        return jdbc.sql("select greatest(:threshold, refused_task_cost, refused_at_balance + 1)"
                        + " from provider_status where id = 1")
                .param("threshold", resumeThreshold)
                .query(Long.class)
                .single();
    }

    private boolean clearWhere(String condition, Map<String, Object> params, String detail) {
        return Boolean.TRUE.equals(ownTransaction.execute(tx -> {
            int changed = jdbc.sql("update provider_status set state = 'AVAILABLE', since = :now, detail = :detail,"
                            + " refused_task_cost = 0, refused_at_balance = null, resumed_by_operator = false"
                            + " where id = 1 and state <> 'AVAILABLE'" + condition)
                    .params(params)
                    .param("now", now())
                    .param("detail", StorableText.of(detail, ProviderStatus.MAX_DETAIL))
                    .update();
            if (changed == 1) {
                alerts.raise(AlertKind.PROVIDER_AVAILABLE, "The generation provider is available again: " + detail);
            }
            return changed == 1;
        }));
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }
}

package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.notify.Notifier;
import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Stops sending to an endpoint that has been failing for days ({@code renderbank.webhooks.disable-after}),
 * rather than retrying every event against it for ever, and tells its owner. An endpoint counts as
 * failing from its first failed attempt after the last delivery that got through, as long as its
 * failures keep coming: one that comes more than {@code renderbank.webhooks.retry-window} (a delivery's
 * whole retry span) after the previous one starts the count afresh, since nothing was tried in between
 * (an endpoint that failed for a day weeks ago is not disabled by one 502 today); the failure that
 * crosses the limit disables it, ends its pending deliveries and queues the owner's email, in one
 * transaction, once (the disabling update is conditional on the endpoint still being enabled).
 *
 * <p>That failing period is also the endpoint's spell of the operator alert {@code webhooks.failed}
 * ({@link #failedForGood}): its first delivery that fails for good raises it, the others of the spell
 * do not (alerts are kept for good; an endpoint that answers 500 to every event, with resends, would
 * otherwise add one per event). The spell ends when the endpoint delivers again, when it is disabled,
 * and when a failure starts the count afresh; the next failure for good then alerts again.
 */
@Component
class EndpointHealth {

    private static final Logger log = LoggerFactory.getLogger(EndpointHealth.class);

    private record Failing(long userId, String url, Instant since, boolean afresh) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final WebhookProperties props;
    private final Notifier notifier;
    private final OperatorAlerts alerts;
    private final Clock clock;

    EndpointHealth(
            JdbcClient jdbc,
            TransactionTemplate tx,
            WebhookProperties props,
            Notifier notifier,
            OperatorAlerts alerts,
            Clock clock) {
        this.jdbc = jdbc;
        this.alerts = alerts;
        this.tx = tx;
        this.props = props;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** A delivery got through: the endpoint is healthy again, and its failing spell (if any) is over. */
    void delivered(String endpointId) {
        int wasFailing = jdbc.sql(
                        "update webhook_endpoint set failing_since = null where id = :e and failing_since is not null")
                .param("e", endpointId)
                .update();
        if (wasFailing == 1) {
            alerts.endSpell(AlertKind.WEBHOOKS_FAILED, endpointId);
        }
    }

    /**
     * An attempt started at {@code at} failed; disables the endpoint once it has failed long enough.
     * True while the endpoint is still enabled after it (false: disabled now or before, or removed).
     */
    boolean failed(String endpointId, Instant at) {
        Instant now = clock.instant();
        return Boolean.TRUE.equals(tx.execute(s -> {
            // the values before the update, to tell a failure that starts the count afresh
            Optional<Failing> failing = jdbc.sql("""
                            with before as (
                                select id, (failing_since is null or last_failed_at is null
                                            or last_failed_at < :stale) as afresh
                                  from webhook_endpoint where id = :e and disabled_at is null for no key update)
                            update webhook_endpoint w
                            set failing_since = case when before.afresh then :at else w.failing_since end,
                                last_failed_at = greatest(coalesce(w.last_failed_at, :at), :at)
                            from before where w.id = before.id
                            returning w.user_id, w.url, w.failing_since, before.afresh""")
                    .param("e", endpointId)
                    .param("at", ts(at))
                    .param("stale", ts(at.minus(props.retryWindow())))
                    .query((rs, n) -> new Failing(
                            rs.getLong("user_id"),
                            rs.getString("url"),
                            instant(rs, "failing_since"),
                            rs.getBoolean("afresh")))
                    .optional();
            if (failing.isEmpty()) {
                return false;
            }
            if (failing.get().afresh()) {
                // a new failing period: an earlier one's spell (it never delivered since) is over
                alerts.endSpell(AlertKind.WEBHOOKS_FAILED, endpointId);
            }
            if (failing.get().since().isAfter(now.minus(props.disableAfter()))) {
                return true;
            }
            int disabled = jdbc.sql(
                            "update webhook_endpoint set disabled_at = :now where id = :e and disabled_at is null")
                    .param("e", endpointId)
                    .param("now", ts(now))
                    .update();
            if (disabled != 1) {
                return false;
            }
            alerts.endSpell(AlertKind.WEBHOOKS_FAILED, endpointId);
            int stopped = jdbc.sql("""
                            update webhook_delivery set status = 'FAILED', last_error = 'endpoint disabled'
                            where endpoint_id = :e and status = 'PENDING'""").param("e", endpointId).update();
            notifier.webhookEndpointDisabled(
                    failing.get().userId(),
                    endpointId,
                    failing.get().url(),
                    failing.get().since());
            log.warn(
                    "webhook endpoint {} disabled: failing since {}; {} pending deliveries stopped",
                    endpointId,
                    failing.get().since(),
                    stopped);
            return false;
        }));
    }

    /**
     * A delivery to the endpoint failed for good: operators are told once per failing spell of the
     * endpoint ({@code webhooks.failed}); true when this one told them.
     */
    boolean failedForGood(String endpointId, String message) {
        return alerts.raiseSpell(AlertKind.WEBHOOKS_FAILED, endpointId, message);
    }
}

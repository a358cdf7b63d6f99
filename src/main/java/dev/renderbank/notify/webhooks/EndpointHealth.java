package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.notify.Notifier;
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
 */
@Component
class EndpointHealth {

    private static final Logger log = LoggerFactory.getLogger(EndpointHealth.class);

    private record Failing(long userId, String url, Instant since) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final WebhookProperties props;
    private final Notifier notifier;
    private final Clock clock;

    EndpointHealth(JdbcClient jdbc, TransactionTemplate tx, WebhookProperties props, Notifier notifier, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.props = props;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** A delivery got through: the endpoint is healthy again. */
    void delivered(String endpointId) {
        jdbc.sql("update webhook_endpoint set failing_since = null where id = :e and failing_since is not null")
                .param("e", endpointId)
                .update();
    }

    /** An attempt started at {@code at} failed; disables the endpoint once it has failed long enough. */
    void failed(String endpointId, Instant at) {
        Instant now = clock.instant();
        tx.executeWithoutResult(s -> {
            Optional<Failing> failing = jdbc.sql("""
                            update webhook_endpoint
                            set failing_since = case
                                    when failing_since is null or last_failed_at is null
                                            or last_failed_at < :stale then :at
                                    else failing_since end,
                                last_failed_at = greatest(coalesce(last_failed_at, :at), :at)
                            where id = :e and disabled_at is null
                            returning user_id, url, failing_since""")
                    .param("e", endpointId)
                    .param("at", ts(at))
                    .param("stale", ts(at.minus(props.retryWindow())))
                    .query((rs, n) ->
                            new Failing(rs.getLong("user_id"), rs.getString("url"), instant(rs, "failing_since")))
                    .optional();
            if (failing.isEmpty() || failing.get().since().isAfter(now.minus(props.disableAfter()))) {
                return;
            }
            int disabled = jdbc.sql(
                            "update webhook_endpoint set disabled_at = :now where id = :e and disabled_at is null")
                    .param("e", endpointId)
                    .param("now", ts(now))
                    .update();
            if (disabled != 1) {
                return;
            }
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
        });
    }
}

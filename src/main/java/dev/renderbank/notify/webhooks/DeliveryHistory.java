package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.notify.WebhookDelivery;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code webhook_delivery} and {@code webhook_attempt} tables as an endpoint's owner sees them:
 * the recent deliveries with their latest attempts, and a resend. The sender's side (write, claim,
 * record) is {@link DeliveryStore}.
 */
@Repository
public class DeliveryHistory {

    static final int RECENT_ATTEMPTS = 5;

    private static final String COLUMNS =
            "id, event_type, status, attempts, last_status, last_error," + " next_attempt_at, created_at, delivered_at";

    private final JdbcClient jdbc;

    DeliveryHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The endpoint's deliveries, newest first, each with its latest attempts. */
    public List<WebhookDelivery> list(String endpointId, int limit) {
        List<WebhookDelivery> rows = jdbc.sql("select " + COLUMNS + " from webhook_delivery where endpoint_id = :e"
                        + " order by created_at desc, id desc limit :limit")
                .param("e", endpointId)
                .param("limit", limit)
                .query((rs, n) -> map(rs, List.of()))
                .list();
        if (rows.isEmpty()) {
            return rows;
        }
        Map<String, List<WebhookDelivery.Attempt>> attempts = new LinkedHashMap<>();
        jdbc.sql("""
                        select delivery_id, attempt, started_at, status_code, error, excerpt from (
                            select a.*, row_number() over (partition by delivery_id order by attempt desc) as r
                            from webhook_attempt a where delivery_id in (:ids)) t
                        where r <= :recent order by delivery_id, attempt desc""")
                .param("ids", rows.stream().map(WebhookDelivery::id).toList())
                .param("recent", RECENT_ATTEMPTS)
                .query((rs, n) -> {
                    attempts.computeIfAbsent(rs.getString("delivery_id"), k -> new ArrayList<>())
                            .add(attempt(rs));
                    return 1;
                })
                .list();
        return rows.stream()
                .map(d -> withAttempts(d, attempts.getOrDefault(d.id(), List.of())))
                .toList();
    }

    public Optional<WebhookDelivery> find(String endpointId, String id) {
        return jdbc.sql("select " + COLUMNS + " from webhook_delivery where endpoint_id = :e and id = :id")
                .param("e", endpointId)
                .param("id", id)
                .query((rs, n) -> map(rs, List.of()))
                .optional();
    }

    /** What {@link #resend} did. */
    public sealed interface Resend {
        /** Queued again. */
        record Done() implements Resend {}

        /** Resent at {@code resentAt}, less than the interval before: not queued. */
        record TooSoon(Instant resentAt) implements Resend {}

        /** The endpoint has no such delivery. */
        record Missing() implements Resend {}
    }

    /**
     * Sends the delivery again as soon as a sender polls, with the same {@code webhook-id} and body,
     * a fresh retry window and a fresh schedule of retry waits (its earlier attempts stay in its
     * history), unless it was resent less than {@code interval} before {@code now}. One conditional
     * statement: of two resends at once, one is queued and the other is too soon. Its caller locks the
     * endpoint first ({@code Webhooks#resend}), the order {@link DeliveryStore#record} takes them in.
     */
    public Resend resend(String endpointId, String id, Instant now, Instant giveUpAt, Duration interval) {
        int n = jdbc.sql("""
                        update webhook_delivery set status = 'PENDING', next_attempt_at = :now, give_up_at = :giveUp,
                                                    delivered_at = null, schedule_start = attempts, resent_at = :now
                        where endpoint_id = :e and id = :id
                          and (resent_at is null or resent_at <= cast(:now as timestamptz) - cast(:interval as interval))""")
                .param("e", endpointId)
                .param("id", id)
                .param("now", ts(now))
                .param("giveUp", ts(giveUpAt))
                .param("interval", interval.toMillis() + " milliseconds")
                .update();
        if (n == 1) {
            return new Resend.Done();
        }
        return jdbc.sql("select resent_at from webhook_delivery where endpoint_id = :e and id = :id")
                .param("e", endpointId)
                .param("id", id)
                .query((rs, i) -> (Resend) new Resend.TooSoon(instant(rs, "resent_at")))
                .optional()
                .orElseGet(Resend.Missing::new);
    }

    private static WebhookDelivery withAttempts(WebhookDelivery d, List<WebhookDelivery.Attempt> a) {
        return new WebhookDelivery(
                d.id(),
                d.type(),
                d.status(),
                d.attempts(),
                d.lastStatusCode(),
                d.lastError(),
                d.nextAttemptAt(),
                d.createdAt(),
                d.deliveredAt(),
                List.copyOf(a));
    }

    private static WebhookDelivery.Attempt attempt(ResultSet rs) throws SQLException {
        return new WebhookDelivery.Attempt(
                rs.getInt("attempt"),
                instant(rs, "started_at"),
                (Integer) rs.getObject("status_code"),
                rs.getString("error"),
                rs.getString("excerpt"));
    }

    private static WebhookDelivery map(ResultSet rs, List<WebhookDelivery.Attempt> attempts) throws SQLException {
        String status = rs.getString("status");
        return new WebhookDelivery(
                rs.getString("id"),
                rs.getString("event_type"),
                status,
                rs.getInt("attempts"),
                (Integer) rs.getObject("last_status"),
                rs.getString("last_error"),
                status.equals("PENDING") ? instant(rs, "next_attempt_at") : null,
                instant(rs, "created_at"),
                instant(rs, "delivered_at"),
                attempts);
    }
}

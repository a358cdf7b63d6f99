package dev.renderbank.billing.db;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.billing.UserCheckout;
import dev.renderbank.billing.UserPaymentEvent;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * One user's checkouts and the stored payment webhooks that name them, for operators answering "I
 * was charged but got no credits": a checkout still OPEN with a webhook FAILED or never arrived. An
 * event names the user as {@link EventPersonalData#marks} says (their id in its metadata, or a provider
 * id of their purchases, subscriptions or checkouts); the payload is searched, so this is an operator's
 * read, never a request path's.
 */
@Repository
public class UserPaymentRecords {

    private final JdbcClient jdbc;
    private final EventPersonalData personal;

    UserPaymentRecords(JdbcClient jdbc, EventPersonalData personal) {
        this.jdbc = jdbc;
        this.personal = personal;
    }

    /** The user's checkouts, newest first. */
    public List<UserCheckout> checkouts(long userId, int limit) {
        return jdbc.sql("""
                        select id, provider, product, status, offered_credits, offered_price_minor, offered_currency,
                               provider_answer, created_at
                          from billing_checkout where user_id = :user order by created_at desc, id desc limit :limit""")
                .param("user", userId)
                .param("limit", limit)
                .query((rs, n) -> new UserCheckout(
                        rs.getString("id"),
                        rs.getString("provider"),
                        rs.getString("product"),
                        rs.getString("status"),
                        (Long) rs.getObject("offered_credits", Long.class),
                        (Long) rs.getObject("offered_price_minor", Long.class),
                        rs.getString("offered_currency"),
                        rs.getString("provider_answer"),
                        instant(rs, "created_at")))
                .list();
    }

    /**
     * The stored events naming the user, newest first, below {@code beforeId}; {@code status} null
     * for all. Only events received from {@code since} on are searched (the account's creation, less a
     * margin: no event names an account before it exists), found by id from the newest event before
     * it: the payloads read are the events since, not the whole table.
     */
    public List<UserPaymentEvent> events(long userId, Instant since, String status, long beforeId, int limit) {
        Set<String> marks = personal.marks(userId);
        return jdbc.sql("""
                        select id, provider, event_id, event_type, status, attempts, last_error, next_attempt_at, received_at,
                               processed_at,
                               payload
                          from payment_event
                         where id > (select coalesce(max(id), 0) from payment_event where received_at < :since)
                           and id < :before
                           and (cast(:status as text) is null or status = :status)
                           and exists (select 1 from unnest(cast(:marks as text[])) m where strpos(payload, m) > 0)
                         order by id desc limit :limit""")
                .param("marks", marks.toArray(String[]::new))
                .param("since", ts(since))
                .param("status", status)
                .param("before", beforeId)
                .param("limit", limit)
                .query((rs, n) -> {
                    EventAmount.Amount amount = EventAmount.of(rs.getString("payload"));
                    return new UserPaymentEvent(
                            rs.getLong("id"),
                            rs.getString("provider"),
                            rs.getString("event_id"),
                            rs.getString("event_type"),
                            rs.getString("status"),
                            rs.getInt("attempts"),
                            rs.getString("last_error"),
                            amount.minor(),
                            amount.currency(),
                            instant(rs, "next_attempt_at"),
                            instant(rs, "received_at"),
                            instant(rs, "processed_at"));
                })
                .list();
    }
}

package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.notify.WebhookEndpoint;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The {@code webhook_endpoint} table. Every query names the owner: another user's endpoint is absent. */
@Repository
public class EndpointStore {

    /** Who gets an event: the endpoint and the secret that signs for it. */
    public record Subscriber(String id, String url, String secret) {}

    private final JdbcClient jdbc;

    EndpointStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Serialises the user's registrations until the caller's transaction ends (a per-user advisory
     * lock), so the count and the insert of {@link #insertWithinCap} are one step and two concurrent
     * registrations cannot both pass the cap. Taken before the account's row lock a registration
     * takes next: a registration queued behind another holds nothing an account recovery waits for.
     */
    public void lockRegistrations(long userId) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('webhook-endpoints:' || :u, 0))")
                .param("u", userId)
                .query((rs, n) -> 1)
                .single();
    }

    /**
     * Writes the endpoint unless the user already has {@code max}; false then. Under {@link
     * #lockRegistrations} (taken here if the caller has not). {@code accountRecoveries}: how many
     * times the account had been recovered, read under the account's row lock in this transaction;
     * a later recovery's handler removes the endpoint by it ({@link #deleteRegisteredBefore}).
     */
    @Transactional
    public boolean insertWithinCap(
            String id,
            long userId,
            String url,
            List<String> events,
            String secret,
            int max,
            Instant now,
            long accountRecoveries) {
        lockRegistrations(userId);
        long count = jdbc.sql("select count(*) from webhook_endpoint where user_id = :u")
                .param("u", userId)
                .query(Long.class)
                .single();
        if (count >= max) {
            return false;
        }
        return jdbc.sql("""
                        insert into webhook_endpoint (id, user_id, url, events, secret, created_at, account_recoveries)
                        values (:id, :u, :url, :events, :secret, :now, :recoveries)""")
                        .param("id", id)
                        .param("u", userId)
                        .param("url", url)
                        .param("events", events.toArray(String[]::new))
                        .param("secret", secret)
                        .param("now", ts(now))
                        .param("recoveries", accountRecoveries)
                        .update()
                == 1;
    }

    /** The user's endpoint with exactly this URL, if any. */
    public Optional<String> idWithUrl(long userId, String url) {
        return jdbc.sql("select id from webhook_endpoint where user_id = :u and url = :url order by id limit 1")
                .param("u", userId)
                .param("url", url)
                .query(String.class)
                .optional();
    }

    public List<WebhookEndpoint> list(long userId) {
        return jdbc.sql("select id, url, events, created_at, disabled_at from webhook_endpoint where user_id = :u"
                        + " order by created_at, id")
                .param("u", userId)
                .query(EndpointStore::map)
                .list();
    }

    public Optional<WebhookEndpoint> find(long userId, String id) {
        return jdbc.sql(
                        "select id, url, events, created_at, disabled_at from webhook_endpoint where user_id = :u and id = :id")
                .param("u", userId)
                .param("id", id)
                .query(EndpointStore::map)
                .optional();
    }

    /**
     * Whether the user's endpoint is disabled, read under a share lock: the disabling (which takes
     * the row's update lock first) and a resend queued in this transaction cannot interleave, so a
     * resend never leaves a delivery pending on an endpoint that was disabled meanwhile. Empty when
     * the user has no such endpoint.
     */
    public Optional<Boolean> lockDisabled(long userId, String id) {
        return jdbc.sql(
                        "select disabled_at is not null from webhook_endpoint where user_id = :u and id = :id for share")
                .param("u", userId)
                .param("id", id)
                .query(Boolean.class)
                .optional();
    }

    /**
     * Enables the user's endpoint again, counting its failures afresh; false when the user has no
     * such endpoint. Enabling an enabled endpoint changes nothing but the count.
     */
    public boolean enable(long userId, String id) {
        return jdbc.sql("update webhook_endpoint set disabled_at = null, failing_since = null"
                                + " where user_id = :u and id = :id")
                        .param("u", userId)
                        .param("id", id)
                        .update()
                == 1;
    }

    /** Removes the endpoint and its delivery log; false when the user has no such endpoint. */
    public boolean delete(long userId, String id) {
        return jdbc.sql("delete from webhook_endpoint where user_id = :u and id = :id")
                        .param("u", userId)
                        .param("id", id)
                        .update()
                == 1;
    }

    /**
     * Removes all the user's endpoints with their delivery logs (the account was deleted); how many.
     * Waits for the share locks of {@link #subscribers}, so deliveries being written go with them.
     */
    public int deleteAll(long userId) {
        return jdbc.sql("delete from webhook_endpoint where user_id = :u")
                .param("u", userId)
                .update();
    }

    /**
     * Removes the user's endpoints registered before the account's recovery number {@code recovery}
     * (with their delivery logs); how many. Those registered after it, by the owner, stay however late
     * this runs. Waits for the share locks of {@link #subscribers}, as {@link #deleteAll} does.
     */
    public int deleteRegisteredBefore(long userId, long recovery) {
        return jdbc.sql("delete from webhook_endpoint where user_id = :u and account_recoveries < :n")
                .param("u", userId)
                .param("n", recovery)
                .update();
    }

    /**
     * The user's endpoints that asked for {@code eventType} and are not disabled, share-locked until
     * the caller's transaction ends: a disabling (which updates the row) waits for the deliveries
     * written here to commit and then stops them with the others, or goes first and the endpoint is
     * not returned. Without the lock a delivery committed just after a disabling stayed pending on a
     * disabled endpoint, where nothing sends or fails it.
     */
    public List<Subscriber> subscribers(long userId, String eventType) {
        return jdbc.sql("select id, url, secret from webhook_endpoint where user_id = :u and :type = any(events)"
                        + " and disabled_at is null order by id for share")
                .param("u", userId)
                .param("type", eventType)
                .query((rs, n) -> new Subscriber(rs.getString("id"), rs.getString("url"), rs.getString("secret")))
                .list();
    }

    private static WebhookEndpoint map(ResultSet rs, int n) throws SQLException {
        Array events = rs.getArray("events");
        return new WebhookEndpoint(
                rs.getString("id"),
                rs.getString("url"),
                List.copyOf(Arrays.asList((String[]) events.getArray())),
                instant(rs, "created_at"),
                instant(rs, "disabled_at"));
    }
}

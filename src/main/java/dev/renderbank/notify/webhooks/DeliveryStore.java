package dev.renderbank.notify.webhooks;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.platform.StorableText;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * The sender's side of the {@code webhook_delivery} and {@code webhook_attempt} tables: a delivery
 * written, claimed, checked just before its POST and its attempt recorded; each state change one
 * conditional statement. What an owner lists and resends is {@link DeliveryHistory}.
 */
@Repository
public class DeliveryStore {

    /**
     * A delivery claimed for one attempt, with what is needed to send it. {@code attempt} counts every
     * attempt of the delivery; {@code scheduled} only those since its latest resend (the retry waits
     * grow with it). {@code leaseUntil}: how long the claim holds the delivery and its endpoint.
     */
    public record Claimed(
            String id,
            String endpointId,
            String url,
            String secret,
            String body,
            int attempt,
            int scheduled,
            Instant giveUpAt,
            Instant leaseUntil) {}

    static final int MAX_ERROR = 1000;

    /**
     * Attempts kept per delivery besides its first: the latest ones. Older ones are deleted as each
     * attempt is recorded, so resends cannot grow a delivery's history without end.
     */
    public static final int KEPT_ATTEMPTS = 20;

    static final int MAX_EXCERPT = WebhookHttp.EXCERPT_BYTES;

    /**
     * The pick of {@link #claimDue} (parameters {@code now} and {@code limit}). It never reads the
     * backlog: the endpoints with pending deliveries are found by skipping through the index on
     * (endpoint, next attempt) of the pending deliveries, one step per endpoint ({@code pending}), and
     * each free one is asked for its oldest due delivery alone, one more step ({@code due}). So a pick
     * reads a few buffers per endpoint with work, however long the backlog and however many endpoints
     * are idle (reading every due delivery to keep one per endpoint made each pick a scan of the
     * backlog: PickCostTest).
     */
    static final String PICK = """
            with recursive pending as (
                (select d.endpoint_id from webhook_delivery d where d.status = 'PENDING'
                  order by d.endpoint_id limit 1)
                union all
                select (select d.endpoint_id from webhook_delivery d
                         where d.status = 'PENDING' and d.endpoint_id > p.endpoint_id
                         order by d.endpoint_id limit 1)
                  from pending p where p.endpoint_id is not null),
            due as (
                select e.id as endpoint_id, d.id, d.user_id, d.next_attempt_at
                  from pending p join webhook_endpoint e on e.id = p.endpoint_id
                  cross join lateral (
                      select d.id, d.user_id, d.next_attempt_at from webhook_delivery d
                       where d.endpoint_id = e.id and d.status = 'PENDING' and d.next_attempt_at <= :now
                       order by d.next_attempt_at, d.id
                       limit 1) d
                 where e.disabled_at is null and (e.sending_until is null or e.sending_until <= :now)),
            busy as (
                select user_id, count(*) as sending from webhook_endpoint
                 where sending_until > :now group by user_id),
            turns as (
                select due.*, coalesce(busy.sending, 0)
                              + row_number() over (partition by due.user_id order by next_attempt_at, id) as turn
                  from due left join busy on busy.user_id = due.user_id)
            select t.id from webhook_endpoint e join turns t on t.endpoint_id = e.id
             where e.disabled_at is null and (e.sending_until is null or e.sending_until <= :now)
             order by t.turn, t.next_attempt_at, t.id
             limit :limit
               for update of e skip locked""";

    private final JdbcClient jdbc;

    DeliveryStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Writes the delivery unless this event already has one for this endpoint; true when this call wrote it. */
    public boolean insert(
            String id,
            String endpointId,
            long userId,
            String eventKey,
            String type,
            String body,
            Instant now,
            Instant giveUpAt) {
        return jdbc.sql("""
                        insert into webhook_delivery (id, endpoint_id, user_id, event_key, event_type, body, status,
                                    next_attempt_at, give_up_at, created_at)
                        values (:id, :endpoint, :u, :key, :type, :body, 'PENDING', :now, :giveUp, :now)
                        on conflict (event_key, endpoint_id) do nothing""")
                        .param("id", id)
                        .param("endpoint", endpointId)
                        .param("u", userId)
                        .param("key", eventKey)
                        .param("type", type)
                        .param("body", body)
                        .param("now", ts(now))
                        .param("giveUp", ts(giveUpAt))
                        .update()
                == 1;
    }

    /**
     * Claims due deliveries for one attempt each: at most one per endpoint, and none of an endpoint
     * whose previous claim is still being sent, so an endpoint never has two deliveries in flight
     * (on this node or another). Endpoints take turns: each one's oldest due delivery, every owner's
     * first endpoint being sent to before any owner's second (counting those already being sent),
     * then by how long it has been due; so neither an endpoint with a backlog nor an owner with many
     * endpoints keeps the others waiting. A claim
     * counts the attempt, moves the delivery's next attempt a lease away and holds its endpoint until
     * then ({@code sending_until}), so a sender that dies mid-send is replaced after the lease;
     * {@link #record} or {@link #release} frees the endpoint. The endpoints are locked with
     * {@code SKIP LOCKED}: several nodes never claim the same endpoint.
     */
    @Transactional
    public List<Claimed> claimDue(Instant now, Instant leaseUntil, int limit) {
        Instant lease = leaseUntil.truncatedTo(ChronoUnit.MICROS); // as stored, for release's comparison
        List<String> picked = jdbc.sql(PICK)
                .param("now", ts(now))
                .param("limit", limit)
                .query(String.class)
                .list();
        if (picked.isEmpty()) {
            return List.of();
        }
        List<Claimed> claimed = jdbc.sql("""
                        update webhook_delivery d set attempts = d.attempts + 1, next_attempt_at = :lease
                        from webhook_endpoint e
                        where e.id = d.endpoint_id and d.id in (:ids)
                          and d.status = 'PENDING' and d.next_attempt_at <= :now
                        returning d.id, d.endpoint_id, e.url, e.secret, d.body, d.attempts,
                                  d.attempts - d.schedule_start as scheduled, d.give_up_at""")
                .param("ids", picked)
                .param("now", ts(now))
                .param("lease", ts(lease))
                .query((rs, n) -> new Claimed(
                        rs.getString("id"),
                        rs.getString("endpoint_id"),
                        rs.getString("url"),
                        rs.getString("secret"),
                        rs.getString("body"),
                        rs.getInt("attempts"),
                        rs.getInt("scheduled"),
                        instant(rs, "give_up_at"),
                        lease))
                .list();
        if (!claimed.isEmpty()) {
            jdbc.sql("update webhook_endpoint set sending_until = :lease where id in (:ids)")
                    .param("lease", ts(lease))
                    .param("ids", claimed.stream().map(Claimed::endpointId).toList())
                    .update();
        }
        return claimed;
    }

    /**
     * Frees the claim's endpoint for its next delivery; nothing when the claim's lease ran out and
     * another claim holds the endpoint now.
     */
    public void release(Claimed c) {
        jdbc.sql("update webhook_endpoint set sending_until = null where id = :e and sending_until = :lease")
                .param("e", c.endpointId())
                .param("lease", ts(c.leaseUntil()))
                .update();
    }

    /** A claimed delivery as it stands now. */
    public record Standing(String status, int attempts, int scheduleStart, long userId, long endpointRecoveries) {

        /**
         * Whether {@code c}'s claim still owns the delivery: not recorded, stopped, resent or claimed
         * again since (what {@link #record} checks).
         */
        public boolean ownedBy(Claimed c) {
            return status.equals("PENDING") && attempts == c.attempt() && scheduleStart == c.attempt() - c.scheduled();
        }
    }

    /**
     * The delivery as it stands now, read just before its claim POSTs it (one read by key): a claim
     * that no longer {@linkplain Standing#ownedBy owns} it must not send the URL, secret and body it
     * read. Empty when the delivery is gone: removed with its endpoint (by its owner, or with the
     * deleted account).
     */
    public Optional<Standing> standing(String id) {
        return jdbc.sql("""
                        select d.status, d.attempts, d.schedule_start, d.user_id, e.account_recoveries
                          from webhook_delivery d join webhook_endpoint e on e.id = d.endpoint_id
                         where d.id = :id""")
                .param("id", id)
                .query((rs, n) -> new Standing(
                        rs.getString("status"),
                        rs.getInt("attempts"),
                        rs.getInt("schedule_start"),
                        rs.getLong("user_id"),
                        rs.getLong("account_recoveries")))
                .optional();
    }

    /**
     * Records the attempt's outcome: {@code DELIVERED}, retried at {@code next}, or {@code FAILED} for
     * good (not delivered and {@code next} null). Only the claim that is still current may record: not
     * one the delivery was resent after ({@link DeliveryHistory#resend}: sent again right after it, the
     * resend's window and schedule kept), though the attempt is kept in the history.
     * The error and the receiver's excerpt are whatever a stranger's server sent: kept sanitised and
     * capped ({@link #printable}), so no answer can make the attempt's row fail to insert, and the
     * delivery's state and its attempt are written together, and the claim's endpoint is freed for
     * its next delivery ({@link #release}), before the delivery is written (the lock order of a
     * resend). Of its attempts the first and the latest {@link #KEPT_ATTEMPTS} are kept, the others
     * deleted in the same transaction. A delivery removed with its endpoint
     * while it was being sent records nothing (false), and does not fail.
     */
    @Transactional
    public boolean record(
            Claimed c,
            Instant startedAt,
            Integer status,
            String error,
            String excerpt,
            boolean delivered,
            Instant next) {
        String err = StorableText.of(error, MAX_ERROR);
        String kept = StorableText.of(excerpt, MAX_EXCERPT);
        // the endpoint first, then the delivery: the order a resend takes them in (its endpoint FOR
        // SHARE, then the delivery); the other way round a resend during a record deadlocked
        release(c);
        int n = jdbc.sql("""
                        update webhook_delivery
                        set status = case when :delivered then 'DELIVERED'
                                          when cast(:next as timestamptz) is null then 'FAILED' else 'PENDING' end,
                            next_attempt_at = coalesce(cast(:next as timestamptz), next_attempt_at),
                            delivered_at = case when :delivered then cast(:now as timestamptz) end,
                            last_status = :code, last_error = :error
                        where id = :id and status = 'PENDING' and attempts = :attempt and schedule_start = :start""")
                .param("id", c.id())
                .param("attempt", c.attempt())
                .param("start", c.attempt() - c.scheduled())
                .param("delivered", delivered)
                .param("next", ts(next))
                .param("now", ts(startedAt))
                .param("code", status)
                .param("error", err)
                .update();
        // nothing when the delivery went with its endpoint while it was being sent (the endpoint
        // removed, the account deleted): the key-share lock keeps a removal from passing in between
        jdbc.sql("""
                        insert into webhook_attempt (delivery_id, attempt, started_at, status_code, error, excerpt)
                        select d.id, cast(:attempt as int), cast(:at as timestamptz), cast(:code as int),
                               cast(:error as text), cast(:excerpt as text)
                          from (select id from webhook_delivery where id = :id for key share) d
                        on conflict (delivery_id, attempt) do nothing""")
                .param("id", c.id())
                .param("attempt", c.attempt())
                .param("at", ts(startedAt))
                .param("code", status)
                .param("error", err)
                .param("excerpt", kept)
                .update();
        // the first attempt and the latest KEPT_ATTEMPTS stay; the ones between go with this insert
        jdbc.sql("""
                        delete from webhook_attempt a
                         using (select min(attempt) as first, max(attempt) as latest
                                  from webhook_attempt where delivery_id = :id) k
                         where a.delivery_id = :id and a.attempt > k.first and a.attempt <= k.latest - :kept""").param("id", c.id()).param("kept", KEPT_ATTEMPTS).update();
        return n == 1;
    }
}

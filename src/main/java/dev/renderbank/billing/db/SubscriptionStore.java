package dev.renderbank.billing.db;

import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.billing.Subscription;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Subscriptions as last reported. Status changes carry the event's own time and never overwrite a
 * newer one, so events that arrive out of order cannot resurrect a cancelled subscription. Those
 * status changes: {@link SubscriptionStatusStore}.
 */
@Repository
public class SubscriptionStore {

    private final JdbcClient jdbc;

    SubscriptionStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the subscription if unknown (its status then is {@code status} as of {@code at}). */
    public void ensure(
            String provider, String id, long userId, String product, String status, Instant at, Instant now) {
        jdbc.sql("""
                        insert into billing_subscription (provider, subscription_id, user_id, product, status,
                                                          status_at, created_at)
                        values (:provider, :id, :user, :product, :status, :at, :now)
                        on conflict (provider, subscription_id) do nothing""")
                .param("provider", provider)
                .param("id", id)
                .param("user", userId)
                .param("product", product)
                .param("status", status)
                .param("at", ts(at))
                .param("now", ts(now))
                .update();
    }

    /**
     * A paid period sets the subscription's plan and paid-through date, unless a period of it that
     * starts later is recorded: the latest period is the plan now, also when it ends before an earlier
     * one (a switch from yearly to monthly restarts the cycle), and an older period delivered late
     * changes nothing. A paid period that started while the subscription was still running, before its
     * recorded end (a renewal the provider charged just before a cancellation took effect, its webhook
     * arriving after the cancellation was saved), is honoured: the end moves to the paid period's end,
     * so its months are granted, and the cancellation still ends it then. One starting at or after the
     * recorded end (the subscription had ended) keeps the end. An end the provider set at once ({@link
     * SubscriptionStatusStore#endAtOnce}) is never moved. Either way a period paid with money grants all its months
     * (MonthlyGrants, which raises one starting at or after the end to operators); a free one gets
     * nothing past the end. A subscription whose first payment was pending is active from its first
     * paid period on. One that ended because its first payment failed ({@code payment_failed}: it is
     * cancelled at its provider) and that the provider charged after all (a retry collected before
     * the cancel reached it, a debit that cleared late) is not revived: its period is honoured, and it
     * is {@code canceled}, ending when that period ends.
     */
    public void recordPaidPeriod(String provider, String id, String product, Instant periodStart, Instant periodEnd) {
        jdbc.sql("""
                        update billing_subscription s set product = :product, period_end = :end,
                               status = case when s.status in ('payment_pending', 'incomplete') then 'active'
                                             when s.status = 'payment_failed' then 'canceled'
                                             else s.status end,
                               ends_at = case when s.status = 'payment_failed' then :end
                                              when s.ends_at is not null and not s.ended_at_once
                                                   and s.ends_at > :start and s.ends_at < :end
                                              then :end else s.ends_at end
                         where s.provider = :provider and s.subscription_id = :id
                           and not exists (select 1 from billing_subscription_period p
                                            where p.provider = s.provider and p.subscription_id = s.subscription_id
                                              and p.period_start > :start)""")
                .param("product", product)
                .param("start", ts(periodStart))
                .param("end", ts(periodEnd))
                .param("provider", provider)
                .param("id", id)
                .update();
    }

    /**
     * Subscriptions at {@code provider} whose recorded paid period (or, with none recorded, whose start)
     * ended between {@code from} and {@code now} and that are not canceled: each should have been
     * renewed, or its first period paid, by now. Oldest first, at most {@code limit}. Plans the
     * simulated checkout sold ({@link Subscription#simulated}, recorded as Creem's) are never renewed
     * by anyone and are not among them: a real provider asked about one has no such subscription.
     */
    public List<String> dueForRenewal(String provider, Instant from, Instant now, int limit) {
        return jdbc.sql("""
                        select subscription_id from billing_subscription
                         where provider = :provider and status <> 'canceled'
                           and not (provider = 'creem' and starts_with(subscription_id, :simulated))
                           and coalesce(period_end, created_at) between :from and :now
                         order by coalesce(period_end, created_at), subscription_id limit :limit""")
                .param("provider", provider)
                .param("simulated", Subscription.SIMULATED_ID_PREFIX)
                .param("from", ts(from))
                .param("now", ts(now))
                .param("limit", limit)
                .query(String.class)
                .list();
    }

    /**
     * The subscription, its row locked {@code FOR SHARE} until the transaction ends; empty when it is
     * unknown or another transaction has it locked ({@code SKIP LOCKED}), e.g. while a paid period of
     * it is being recorded ({@link #lockForPeriod}). Once locked, a period recorded before is seen.
     */
    public Optional<Subscription> lockShared(String provider, String id) {
        return jdbc.sql("""
                        select * from billing_subscription
                         where provider = :provider and subscription_id = :id for share skip locked""")
                .param("provider", provider)
                .param("id", id)
                .query(SubscriptionStore::map)
                .optional();
    }

    /**
     * Locks the subscription's row while a paid period of it is recorded (until the transaction
     * ends): no month of its other periods is granted meanwhile ({@link #lockShared}).
     */
    public void lockForPeriod(String provider, String id) {
        jdbc.sql("""
                        select 1 from billing_subscription
                         where provider = :provider and subscription_id = :id for no key update""")
                .param("provider", provider)
                .param("id", id)
                .query(Integer.class)
                .optional();
    }

    public Optional<Subscription> find(String provider, String id) {
        return jdbc.sql(WITH_MONTHS + " where s.provider = :provider and s.subscription_id = :id")
                .param("provider", provider)
                .param("id", id)
                .query(SubscriptionStore::mapWithMonths)
                .optional();
    }

    public Optional<Subscription> findForUser(long userId, String id) {
        return jdbc.sql(WITH_MONTHS + " where s.user_id = :user and s.subscription_id = :id")
                .param("user", userId)
                .param("id", id)
                .query(SubscriptionStore::mapWithMonths)
                .optional();
    }

    public List<Subscription> forUser(long userId) {
        return jdbc.sql(WITH_MONTHS + " where s.user_id = :user order by s.created_at desc")
                .param("user", userId)
                .query(SubscriptionStore::mapWithMonths)
                .list();
    }

    /** The subscription with its latest paid period and that period's purchase, for what is to come. */
    private static final String WITH_MONTHS = """
            select s.*, p.period_start as p_start, p.months as p_months, p.months_granted as p_granted,
                   p.monthly_credits as p_monthly, p.price_minor as p_price, p.currency as p_currency, b.credits as b_credits, b.amount_minor as b_amount,
                   b.granted as b_granted, b.clawed as b_clawed, b.refunded_minor as b_refunded,
                   b.disputed_minor as b_disputed, b.unused_handed_on as b_unused, b.unused_kept as b_unused_kept,
                   b.from_balance_minor as b_from_balance
              from billing_subscription s
              left join lateral (select * from billing_subscription_period p
                                  where p.provider = s.provider and p.subscription_id = s.subscription_id
                                  order by p.period_start desc limit 1) p on true
              left join billing_purchase b on b.id = p.purchase_id""";

    /** Without what is to come (no period read): what the monthly grants lock and decide on. */
    private static Subscription map(ResultSet rs, int n) throws SQLException {
        return of(rs, 0, MonthsToCome.NONE, null, null);
    }

    private static Subscription mapWithMonths(ResultSet rs, int n) throws SQLException {
        Instant start = instant(rs, "p_start");
        if (start == null) {
            return of(rs, 0, MonthsToCome.NONE, null, null);
        }
        long monthly = rs.getLong("p_monthly");
        // the purchase's own rule (Purchase.entitlement): what refunds and disputes leave of its credits
        Purchase purchase = new Purchase(
                0,
                null,
                null,
                0,
                null,
                rs.getLong("b_credits"),
                rs.getLong("b_amount"),
                null,
                rs.getLong("b_granted"),
                rs.getLong("b_clawed"),
                rs.getLong("b_refunded"),
                rs.getLong("b_disputed"),
                false,
                rs.getLong("b_unused"),
                rs.getLong("b_unused_kept"),
                rs.getLong("b_from_balance"));
        MonthsToCome toCome = MonthsToCome.of(
                start,
                rs.getInt("p_months"),
                rs.getInt("p_granted"),
                monthly,
                purchase.entitlement() - purchase.kept(),
                purchase.paidWithMoney(),
                instant(rs, "ends_at"));
        return of(rs, monthly, toCome, rs.getObject("p_price", Long.class), rs.getString("p_currency"));
    }

    private static Subscription of(ResultSet rs, long monthly, MonthsToCome toCome, Long price, String currency)
            throws SQLException {
        return new Subscription(
                rs.getString("provider"),
                rs.getString("subscription_id"),
                rs.getLong("user_id"),
                rs.getString("product"),
                rs.getString("status"),
                instant(rs, "period_end"),
                instant(rs, "ends_at"),
                rs.getBoolean("ended_at_once"),
                monthly,
                toCome.credits(),
                toCome.next(),
                toCome.last(),
                price,
                currency);
    }
}

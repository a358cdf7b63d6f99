package dev.renderbank.billing.db;

import static dev.renderbank.platform.Rows.expectOne;
import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of paid subscription periods and how many of their months are granted. */
@Repository
public class PeriodStore {

    public record Period(
            long purchaseId,
            String provider,
            String subscriptionId,
            Instant periodStart,
            Instant periodEnd,
            long monthlyCredits,
            int months,
            int monthsGranted) {}

    private final JdbcClient jdbc;

    PeriodStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(
            long purchaseId,
            String provider,
            String subscriptionId,
            Instant start,
            Instant end,
            long monthlyCredits,
            int months) {
        jdbc.sql("""
                        insert into billing_subscription_period (purchase_id, provider, subscription_id, period_start,
                                    period_end, monthly_credits, months, months_granted, next_grant_at)
                        values (:id, :provider, :sub, :start, :end, :monthly, :months, 0, :start)""")
                .param("id", purchaseId)
                .param("provider", provider)
                .param("sub", subscriptionId)
                .param("start", ts(start))
                .param("end", ts(end))
                .param("monthly", monthlyCredits)
                .param("months", months)
                .update();
    }

    /** Whether the subscription has a paid period that started before {@code start} (this one is a renewal). */
    public boolean hasEarlier(String provider, String subscriptionId, Instant start) {
        return jdbc.sql("""
                        select exists (select 1 from billing_subscription_period
                                       where provider = :provider and subscription_id = :sub
                                         and period_start < :start)""")
                .param("provider", provider)
                .param("sub", subscriptionId)
                .param("start", ts(start))
                .query(Boolean.class)
                .single();
    }

    /**
     * When the subscription's next paid period after the one starting at {@code start} starts, if one is
     * recorded: a renewal, or a plan change that restarted the billing cycle (yearly → monthly in the
     * customer portal), from which on that period pays for the subscription's months.
     */
    public Optional<Instant> nextStart(String provider, String subscriptionId, Instant start) {
        return jdbc.sql("""
                        select period_start from billing_subscription_period
                         where provider = :provider and subscription_id = :sub and period_start > :start
                         order by period_start limit 1""")
                .param("provider", provider)
                .param("sub", subscriptionId)
                .param("start", ts(start))
                .query((rs, n) -> instant(rs, "period_start"))
                .optional();
    }

    /** Locks the period; empty when it is unknown or another transaction is granting it ({@code SKIP LOCKED}). */
    public Optional<Period> lock(long purchaseId) {
        return jdbc.sql("""
                        select purchase_id, provider, subscription_id, period_start, period_end, monthly_credits,
                               months, months_granted
                          from billing_subscription_period where purchase_id = :id for update skip locked""")
                .param("id", purchaseId)
                .query((rs, n) -> new Period(
                        rs.getLong("purchase_id"),
                        rs.getString("provider"),
                        rs.getString("subscription_id"),
                        instant(rs, "period_start"),
                        instant(rs, "period_end"),
                        rs.getLong("monthly_credits"),
                        rs.getInt("months"),
                        rs.getInt("months_granted")))
                .optional();
    }

    /** Records the months granted and when to look again ({@code null}: only when told, e.g. a dispute closes). */
    public void advance(long purchaseId, int monthsGranted, Instant nextGrantAt) {
        expectOne(
                jdbc.sql("""
                                update billing_subscription_period set months_granted = :m, next_grant_at = :next
                                 where purchase_id = :id and months_granted <= :m""")
                        .param("m", monthsGranted)
                        .param("next", ts(nextGrantAt))
                        .param("id", purchaseId)
                        .update(),
                "period advance");
    }

    /**
     * Moves a period that is due at {@code now} to {@code until} (a period whose grant failed: looked
     * at again then, not at every sweep); nothing if it is no longer due (another node granted it).
     */
    public void postpone(long purchaseId, Instant now, Instant until) {
        jdbc.sql("""
                        update billing_subscription_period set next_grant_at = :until
                         where purchase_id = :id and next_grant_at <= :now""")
                .param("until", ts(until))
                .param("id", purchaseId)
                .param("now", ts(now))
                .update();
    }

    public List<Long> due(Instant now, int limit) {
        return jdbc.sql("""
                        select purchase_id from billing_subscription_period where next_grant_at <= :now
                         order by next_grant_at limit :limit""")
                .param("now", ts(now))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }
}

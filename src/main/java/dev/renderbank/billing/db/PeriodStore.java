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
            int monthsGranted,
            long firstMonthLess,
            String firstMonthNote) {

        /**
         * The credits month {@code k} grants: the plan's monthly credits, the first month less what a
         * plan switch's credited-back unused time left of the month an earlier period granted.
         */
        public long monthCredits(int k) {
            return k == 0 ? Math.max(0, monthlyCredits - firstMonthLess) : monthlyCredits;
        }
    }

    /**
     * The period of a subscription that runs at {@code at} (started before it, ends after it): its
     * purchase, the purchase's key and product, its span, its plan's monthly credits and what its first
     * month was granted less for a switch before it.
     */
    public record Running(
            long purchaseId,
            String purchaseKey,
            String product,
            Instant periodStart,
            Instant periodEnd,
            long monthlyCredits,
            int months,
            long firstMonthLess) {}

    /** A plan's price as a period was sold: minor units of {@code currency}. */
    public record Price(long minor, String currency) {}

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
        insert(
                purchaseId,
                provider,
                subscriptionId,
                start,
                end,
                monthlyCredits,
                months,
                0,
                null,
                false,
                null,
                false,
                null);
    }

    /**
     * As above, its first month granted {@code firstMonthLess} less, for the reason {@code firstMonthNote}.
     * {@code unusedTimeCredited}: the period starts with a plan switch whose invoice credited the old
     * period's unused time back, of the period that ends at {@code creditedEnd} (null: not known);
     * {@code unusedShareTaken}: the unused share of the old month is taken ({@code firstMonthLess}, the
     * old month granted before), or else is taken when that month is granted. {@code price}: the plan's
     * price as the period was sold (null: not recorded; the catalogue's is shown).
     */
    public void insert(
            long purchaseId,
            String provider,
            String subscriptionId,
            Instant start,
            Instant end,
            long monthlyCredits,
            int months,
            long firstMonthLess,
            String firstMonthNote,
            boolean unusedTimeCredited,
            Instant creditedEnd,
            boolean unusedShareTaken,
            Price price) {
        jdbc.sql("""
                        insert into billing_subscription_period (purchase_id, provider, subscription_id, period_start,
                                    period_end, monthly_credits, months, months_granted, next_grant_at,
                                    first_month_less, first_month_note, unused_time_credited, unused_credited_end,
                                    unused_share_taken, price_minor, currency)
                        values (:id, :provider, :sub, :start, :end, :monthly, :months, 0, :start, :less, :note,
                                :credited, :creditedEnd, :taken, :price, :currency)""")
                .param("id", purchaseId)
                .param("provider", provider)
                .param("sub", subscriptionId)
                .param("start", ts(start))
                .param("end", ts(end))
                .param("monthly", monthlyCredits)
                .param("months", months)
                .param("less", firstMonthLess)
                .param("note", firstMonthNote)
                .param("credited", unusedTimeCredited)
                .param("creditedEnd", ts(creditedEnd))
                .param("taken", unusedShareTaken)
                .param("price", price == null ? null : price.minor())
                .param("currency", price == null ? null : price.currency())
                .update();
    }

    /**
     * A plan switch's period whose invoice credited the old period's unused time back and that has not
     * taken the unused share of the old month yet: its purchase and the credits of its months.
     */
    public record ShareDue(long purchaseId, String purchaseKey, long monthlyCredits) {}

    /**
     * The subscription's period starting at {@code start}, if it is a switch whose unused share is due
     * and whose invoice credited the unused time of the period ending at {@code oldEnd} (or did not say
     * of which): a switch that credited another period's time (a second switch in the month, whose
     * first is not recorded yet) takes its share from that period's month, not this one's.
     */
    public Optional<ShareDue> shareDueAt(String provider, String subscriptionId, Instant start, Instant oldEnd) {
        return jdbc.sql("""
                        select p.purchase_id, b.purchase_key, p.monthly_credits
                          from billing_subscription_period p join billing_purchase b on b.id = p.purchase_id
                         where p.provider = :provider and p.subscription_id = :sub and p.period_start = :start
                           and p.unused_time_credited and not p.unused_share_taken
                           and (p.unused_credited_end is null or p.unused_credited_end = :oldEnd)""")
                .param("provider", provider)
                .param("sub", subscriptionId)
                .param("start", ts(start))
                .param("oldEnd", ts(oldEnd))
                .query((rs, n) -> new ShareDue(
                        rs.getLong("purchase_id"), rs.getString("purchase_key"), rs.getLong("monthly_credits")))
                .optional();
    }

    /**
     * Records that the switch's period {@code purchaseId} took the old month's unused share, {@code
     * less} off its first month; false if it had taken it already (the caller holds the period's
     * purchase lock, so only a bug gets false).
     */
    public boolean takeUnusedShare(long purchaseId, long less, String note) {
        return jdbc.sql("""
                        update billing_subscription_period
                           set unused_share_taken = true, first_month_less = :less, first_month_note = :note
                         where purchase_id = :id and unused_time_credited and not unused_share_taken""")
                        .param("less", less)
                        .param("note", note)
                        .param("id", purchaseId)
                        .update()
                == 1;
    }

    /**
     * The subscription's latest period that started before {@code at} and ends after it, if any; of
     * those ending at {@code endsAt} only, unless that is null.
     */
    public Optional<Running> runningAt(String provider, String subscriptionId, Instant at, Instant endsAt) {
        return jdbc.sql("""
                        select p.purchase_id, b.purchase_key, b.product, p.period_start, p.period_end,
                               p.monthly_credits, p.months, p.first_month_less
                          from billing_subscription_period p join billing_purchase b on b.id = p.purchase_id
                         where p.provider = :provider and p.subscription_id = :sub
                           and p.period_start < :at and p.period_end > :at
                           and (not :anyEnd or p.period_end = :endsAt)
                         order by p.period_start desc limit 1""")
                .param("provider", provider)
                .param("sub", subscriptionId)
                .param("at", ts(at))
                .param("anyEnd", endsAt != null)
                .param("endsAt", ts(endsAt != null ? endsAt : at))
                .query((rs, n) -> new Running(
                        rs.getLong("purchase_id"),
                        rs.getString("purchase_key"),
                        rs.getString("product"),
                        instant(rs, "period_start"),
                        instant(rs, "period_end"),
                        rs.getLong("monthly_credits"),
                        rs.getInt("months"),
                        rs.getLong("first_month_less")))
                .optional();
    }

    /**
     * The plan of the subscription's latest paid period that started before {@code start}; empty when
     * none did (this one is its first). Another plan than this period's: this period starts a plan change.
     */
    public Optional<String> planBefore(String provider, String subscriptionId, Instant start) {
        return jdbc.sql("""
                        select b.product from billing_subscription_period p
                          join billing_purchase b on b.id = p.purchase_id
                         where p.provider = :provider and p.subscription_id = :sub and p.period_start < :start
                         order by p.period_start desc limit 1""")
                .param("provider", provider)
                .param("sub", subscriptionId)
                .param("start", ts(start))
                .query(String.class)
                .optional();
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
                               months, months_granted, first_month_less, first_month_note
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
                        rs.getInt("months_granted"),
                        rs.getLong("first_month_less"),
                        rs.getString("first_month_note")))
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

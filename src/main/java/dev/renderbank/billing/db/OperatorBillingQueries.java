package dev.renderbank.billing.db;

import dev.renderbank.billing.CreditPrice;
import dev.renderbank.billing.OpenDispute;
import dev.renderbank.billing.PurchaseSummary;
import dev.renderbank.billing.UserPurchase;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Operators' reads over purchases and payment events. */
@Repository
public class OperatorBillingQueries {

    /** Whether an inquiry (no credits taken) is open on the purchase {@code p}. */
    private static final String INQUIRY =
            "exists (select 1 from billing_dispute d where d.purchase_id = p.id and d.status = 'INQUIRY') as inquiry\n";

    /** What give-backs returned to the purchase {@code p}. */
    private static final String GIVEN_BACK = "(select coalesce(sum(g.amount), 0) from billing_purchase_grant g"
            + " where g.purchase_id = p.id and " + PurchaseStore.GIVE_BACK + ")";

    /**
     * Of the purchase {@code p}: what it granted of what was bought ({@code granted}, not the
     * give-backs of what a refund that failed or a dispute that was won had clawed back), what refunds
     * and disputes clawed back and no give-back returned ({@code clawed}), and what plan switches took
     * back ({@code switch_clawed}: the unused time a switch credited back as money). What the user
     * keeps is granted - clawed - switch_clawed.
     */
    private static final String GRANTED_AND_CLAWED = "p.granted - " + GIVEN_BACK
            + " as granted, p.clawed - p.switch_clawed - " + GIVEN_BACK + " as clawed, p.switch_clawed,\n";

    private final JdbcClient jdbc;

    OperatorBillingQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<PurchaseSummary> purchases(long userId, int limit) {
        return jdbc.sql("""
                        select id, provider, product, credits, amount_minor, currency, refunded_minor, disputed,
                               created_at,
                               """ + GRANTED_AND_CLAWED + INQUIRY + """
                          from billing_purchase p where user_id = :user order by id desc limit :limit""")
                .param("user", userId)
                .param("limit", limit)
                .query(OperatorBillingQueries::summary)
                .list();
    }

    /** All users' newest purchases (the payments page). */
    public List<UserPurchase> recentPurchases(int limit) {
        return jdbc.sql("""
                        select user_id, id, provider, product, credits, amount_minor, currency, refunded_minor,
                               disputed, created_at,
                               """ + GRANTED_AND_CLAWED + INQUIRY + """
                          from billing_purchase p order by id desc limit :limit""")
                .param("limit", limit)
                .query((rs, n) -> new UserPurchase(rs.getLong("user_id"), summary(rs, n)))
                .list();
    }

    /** Open disputes (chargebacks), oldest first: the ones waiting longest for an outcome on top. */
    public List<OpenDispute> openDisputes(String operatorClosed, int limit) {
        return jdbc.sql("""
                        select d.provider, d.dispute_id, d.purchase_id, p.user_id, p.product, d.amount_minor,
                               p.currency, d.clawed, d.created_at
                          from billing_dispute d join billing_purchase p on p.id = d.purchase_id
                         where d.status = 'OPEN'
                         order by d.created_at, d.provider, d.dispute_id limit :limit""")
                .param("limit", limit)
                .query((rs, n) -> new OpenDispute(
                        rs.getString("provider"),
                        rs.getString("dispute_id"),
                        rs.getLong("purchase_id"),
                        rs.getLong("user_id"),
                        rs.getString("product"),
                        rs.getLong("amount_minor"),
                        rs.getString("currency"),
                        rs.getLong("clawed"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        operatorClosed.equals(rs.getString("provider"))))
                .list();
    }

    private static PurchaseSummary summary(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new PurchaseSummary(
                rs.getLong("id"),
                rs.getString("provider"),
                rs.getString("product"),
                rs.getLong("credits"),
                rs.getLong("amount_minor"),
                rs.getString("currency"),
                rs.getLong("granted"),
                rs.getLong("clawed"),
                rs.getLong("switch_clawed"),
                rs.getLong("refunded_minor"),
                rs.getBoolean("disputed"),
                rs.getBoolean("inquiry"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    /**
     * Money kept over the credits it bought, in the currency most purchases were charged in ({@link
     * CreditPrice}). Of each purchase that charged money: what it charged less what refunds and
     * chargebacks (disputes open or lost) took back, over its credits; of one paid partly from the
     * customer's Stripe balance, the credits its charge paid for (its share of the whole), since the
     * balance's money was counted with the charge that left it.
     */
    public Optional<CreditPrice> averageCreditPrice() {
        return jdbc.sql("""
                        select currency,
                               sum(greatest(amount_minor - refunded_minor - disputed_minor, 0)) as amount,
                               round(sum(credits::numeric * amount_minor / (amount_minor + from_balance_minor))) as credits
                          from billing_purchase where amount_minor > 0
                         group by currency order by count(*) desc, currency limit 1""")
                .query((rs, n) ->
                        new CreditPrice(rs.getString("currency"), rs.getLong("amount"), rs.getLong("credits")))
                .optional();
    }

    public Map<String, Long> eventsByStatus() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String s : List.of("RECEIVED", "PROCESSED", "IGNORED", "FAILED")) {
            counts.put(s, 0L);
        }
        jdbc.sql("select status, count(*) as n from payment_event group by status")
                .query((rs, n) -> counts.put(rs.getString("status"), rs.getLong("n")))
                .list();
        return counts;
    }
}

package dev.renderbank.billing.db;

import static dev.renderbank.platform.Rows.expectOne;
import static dev.renderbank.platform.SqlTime.instant;
import static dev.renderbank.platform.SqlTime.ts;

import dev.renderbank.billing.PurchaseRecord;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of one aggregate: a purchase ({@code billing_purchase}) and the grants it made
 * ({@code billing_purchase_grant}); its {@code granted} column is the sum of its grants, written in the
 * same step. What was charged for it and what refunds and disputes took of that: {@link
 * PurchaseChargeStore}; the ids that name a purchase: {@link PurchaseRefStore}; its refunds: {@link
 * RefundStore}; disputes: {@link DisputeStore}; subscription periods: {@link PeriodStore}.
 */
@Repository
public class PurchaseStore {

    private static final String PURCHASE_COLUMNS = """
            p.id, p.purchase_key, p.provider, p.user_id, p.product, p.credits, p.amount_minor, p.currency,
            p.granted, p.clawed, p.refunded_minor, p.disputed_minor, p.disputed, p.unused_handed_on, p.unused_kept,
            p.from_balance_minor""";

    /**
     * Whether a {@code billing_purchase_grant} row is a give-back (of what a refund that failed or a
     * dispute that was won had clawed back) rather than a grant of what was bought.
     */
    static final String GIVE_BACK = "(grant_key like '%:dispute-won:%' or grant_key like '%:refund:%')";

    private final JdbcClient jdbc;

    PurchaseStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the purchase; empty if its key was recorded before. {@code amount}: what the buyer was
     * charged; {@code fromBalance}: what the customer's balance paid of it besides.
     */
    public Optional<Long> insert(
            String key,
            String provider,
            long userId,
            String product,
            long credits,
            long amount,
            long fromBalance,
            String currency,
            Instant now) {
        return jdbc.sql("""
                        insert into billing_purchase (purchase_key, provider, user_id, product, credits, amount_minor,
                                                      from_balance_minor, currency, created_at)
                        values (:key, :provider, :user, :product, :credits, :amount, :fromBalance, :currency, :now)
                        on conflict (purchase_key) do nothing returning id""")
                .param("key", key)
                .param("provider", provider)
                .param("user", userId)
                .param("product", product)
                .param("credits", credits)
                .param("amount", amount)
                .param("fromBalance", fromBalance)
                .param("currency", currency)
                .param("now", ts(now))
                .query(Long.class)
                .optional();
    }

    public Purchase lock(long id) {
        return jdbc.sql("select " + PURCHASE_COLUMNS + " from billing_purchase p where p.id = :id for update")
                .param("id", id)
                .query(PurchaseStore::mapPurchase)
                .single();
    }

    /** Records a grant of the purchase; false if that grant key is already taken (nothing to grant). */
    public boolean addGrant(long purchaseId, String grantKey, long amount, Instant now) {
        int inserted = jdbc.sql("""
                        insert into billing_purchase_grant (grant_key, purchase_id, amount, created_at)
                        values (:key, :id, :amount, :now) on conflict (grant_key) do nothing""")
                .param("key", grantKey)
                .param("id", purchaseId)
                .param("amount", amount)
                .param("now", ts(now))
                .update();
        if (inserted == 1) {
            expectOne(
                    jdbc.sql("update billing_purchase set granted = granted + :amount where id = :id")
                            .param("amount", amount)
                            .param("id", purchaseId)
                            .update(),
                    "purchase grant");
        }
        return inserted == 1;
    }

    /**
     * What the purchase granted under {@code grantKey} (a yearly plan's month) and its top-ups
     * ({@code <grantKey>:top-up:<n>}): their sum and how many top-ups there are; empty when the
     * purchase holds no grant under {@code grantKey} (the month is another purchase's, or not granted).
     */
    public Optional<MonthGranted> grantedWithTopUps(long purchaseId, String grantKey) {
        return jdbc.sql("""
                        select coalesce(sum(amount), 0) as total, count(*) filter (where grant_key <> :key) as top_ups
                          from billing_purchase_grant
                         where purchase_id = :id and (grant_key = :key or starts_with(grant_key, :prefix))
                        having bool_or(grant_key = :key)""")
                .param("id", purchaseId)
                .param("key", grantKey)
                .param("prefix", topUpPrefix(grantKey))
                .query((rs, n) -> new MonthGranted(rs.getLong("total"), rs.getInt("top_ups")))
                .optional();
    }

    /** What a month granted in all (its grant and top-ups), and how many top-ups made it up. */
    public record MonthGranted(long total, int topUps) {}

    /** The key of a month's {@code n}-th top-up. */
    public static String topUpKey(String grantKey, int n) {
        return topUpPrefix(grantKey) + n;
    }

    private static String topUpPrefix(String grantKey) {
        return grantKey + ":top-up:";
    }

    /** Grant keys of a purchase, newest first: clawbacks take from the latest grants first. */
    public List<String> grantKeys(long purchaseId) {
        return jdbc.sql(
                        "select grant_key from billing_purchase_grant where purchase_id = :id order by created_at desc, grant_key desc")
                .param("id", purchaseId)
                .query(String.class)
                .list();
    }

    /**
     * Takes {@code less} off the credits the purchase grants (a plan switch's period whose first month
     * takes the unused share of the old month after it was recorded).
     */
    public void reduceCredits(long purchaseId, long less) {
        expectOne(
                jdbc.sql("update billing_purchase set credits = credits - :less where id = :id and credits >= :less")
                        .param("less", less)
                        .param("id", purchaseId)
                        .update(),
                "purchase credits");
    }

    /**
     * Records that a plan switch credited back the unused share {@code handedOn} of the purchase's
     * running month, of which it took {@code kept} off its own first month (once per purchase).
     */
    public void handOnUnused(long purchaseId, long handedOn, long kept) {
        expectOne(
                jdbc.sql("""
                                update billing_purchase set unused_handed_on = :u, unused_kept = :k
                                 where id = :id and unused_handed_on = 0 and unused_kept = 0""")
                        .param("u", handedOn)
                        .param("k", kept)
                        .param("id", purchaseId)
                        .update(),
                "purchase unused share");
    }

    /**
     * Records {@code amount} more clawed back of the purchase; {@code bySwitch}: by a plan switch,
     * which a won dispute or failed refund never gives back ({@link #switchClawed}).
     */
    public void addClawed(long purchaseId, long amount, boolean bySwitch) {
        expectOne(
                jdbc.sql("""
                                update billing_purchase
                                   set clawed = clawed + :amount,
                                       switch_clawed = switch_clawed + case when :bySwitch then :amount else 0 end
                                 where id = :id and clawed + :amount >= 0""")
                        .param("amount", amount)
                        .param("bySwitch", bySwitch)
                        .param("id", purchaseId)
                        .update(),
                "purchase clawback");
    }

    /**
     * What refunds and disputes clawed back of the purchase and no give-back returned yet, and the most
     * the purchase may hold of what its months granted: those grants (not give-backs), less what a plan
     * switch cut of its first month ({@link #cutMonths}) and the unused share it handed on to a switch
     * beyond what that switch took off its own first month for it ({@link #handOnUnused}). A pack or
     * monthly purchase grants all its credits at once, so the second is no less than its entitlement.
     */
    public GiveBackRoom giveBackRoom(long purchaseId) {
        return jdbc.sql("""
                        select p.clawed - p.switch_clawed - coalesce(sum(g.amount) filter (where g.given_back), 0) as clawed,
                               coalesce(sum(g.amount) filter (where not g.given_back), 0)
                                 - p.months_cut - p.unused_handed_on + p.unused_kept as holdable
                          from billing_purchase p
                          left join (select purchase_id, amount,
                        """ + GIVE_BACK + """
                                            as given_back
                                       from billing_purchase_grant where purchase_id = :id) g on g.purchase_id = p.id
                         where p.id = :id
                         group by p.id""")
                .param("id", purchaseId)
                .query((rs, n) -> new GiveBackRoom(rs.getLong("clawed"), rs.getLong("holdable")))
                .single();
    }

    /**
     * {@code stillClawed}: clawed back by refunds and disputes, net of give-backs (not what plan
     * switches took: money paid back already). {@code holdable}: the most the purchase may hold of
     * its months' grants.
     */
    public record GiveBackRoom(long stillClawed, long holdable) {}

    /**
     * Records that a plan switch cut {@code cut} off what the purchase's first month had granted (its
     * share of the old month was taken after the month was granted): once per purchase.
     */
    public void cutMonths(long purchaseId, long cut) {
        expectOne(
                jdbc.sql("update billing_purchase set months_cut = :cut where id = :id and months_cut = 0")
                        .param("cut", cut)
                        .param("id", purchaseId)
                        .update(),
                "purchase months cut");
    }

    /** Whether the user has a purchase other than {@code purchaseId} that was paid for (amount above zero). */
    public boolean hasOtherPaidPurchase(long userId, long purchaseId) {
        return jdbc.sql("""
                        select exists (select 1 from billing_purchase
                                        where user_id = :user and id <> :id and amount_minor > 0)""")
                .param("user", userId)
                .param("id", purchaseId)
                .query(Boolean.class)
                .single();
    }

    /** The user's purchases with ids below {@code beforeId}, newest first (the purchases page and API). */
    public List<PurchaseRecord> forUser(long userId, long beforeId, int limit) {
        return jdbc.sql("""
                        select id, product, credits, amount_minor, currency, refunded_minor, disputed_minor, disputed,
                               created_at, from_balance_minor
                          from billing_purchase where user_id = :user and id < :before
                         order by id desc limit :limit""")
                .param("user", userId)
                .param("before", beforeId)
                .param("limit", limit)
                .query((rs, n) -> new PurchaseRecord(
                        rs.getLong("id"),
                        rs.getString("product"),
                        rs.getLong("credits"),
                        rs.getLong("amount_minor"),
                        rs.getString("currency"),
                        rs.getLong("refunded_minor"),
                        rs.getLong("disputed_minor"),
                        rs.getBoolean("disputed"),
                        instant(rs, "created_at"),
                        rs.getLong("from_balance_minor")))
                .list();
    }

    private static Purchase mapPurchase(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Purchase(
                rs.getLong("id"),
                rs.getString("purchase_key"),
                rs.getString("provider"),
                rs.getLong("user_id"),
                rs.getString("product"),
                rs.getLong("credits"),
                rs.getLong("amount_minor"),
                rs.getString("currency"),
                rs.getLong("granted"),
                rs.getLong("clawed"),
                rs.getLong("refunded_minor"),
                rs.getLong("disputed_minor"),
                rs.getBoolean("disputed"),
                rs.getLong("unused_handed_on"),
                rs.getLong("unused_kept"),
                rs.getLong("from_balance_minor"));
    }
}

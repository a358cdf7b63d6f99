package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.internal.DebtAttribution;
import dev.renderbank.ledger.internal.GrantStore;
import dev.renderbank.ledger.internal.InvariantCheck;
import dev.renderbank.ledger.internal.LedgerStore;
import dev.renderbank.ledger.internal.Reversed;
import dev.renderbank.support.SharedPostgres;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Debt paid or waived before clawbacks recorded what became of their debt (V2026_12_11_0947) is
 * attributed by the upgrade as the ledger now does it, replaying the entries in order: each payment or
 * waiver reduces the oldest clawbacks that owed then. So a dispute won after the upgrade over a debt
 * waived before it gives back only what the user paid.
 */
class ClawbackDebtAttributionMigrationTest {

    @Test
    void debtPaidAndWaivedBeforeTheUpgradeIsAttributedToTheClawbacksThatOwedIt() {
        String url = SharedPostgres.newDatabase();
        SharedPostgres.migrate(url, "2026.12.10.0813"); // the schema just before the attribution
        try (SingleConnectionDataSource db = oneConnection(url)) {
            debtPaidAndWaivedBeforeTheUpgrade(url, JdbcClient.create(db));
        }
    }

    private void debtPaidAndWaivedBeforeTheUpgrade(String url, JdbcClient jdbc) {
        // two purchases of 300 and 200, spent; both disputed (all debt); a later purchase of 100 paid
        // 100 of the oldest's debt; an operator waived the 400 left
        long user = 71;
        jdbc.sql("insert into credit_account (user_id) values (:u)")
                .param("u", user)
                .update();
        grant(jdbc, user, "a", 300, 0);
        grant(jdbc, user, "b", 200, 0);
        spend(jdbc, user, "job", 500);
        clawback(jdbc, user, "a", "dispute-a", 300);
        clawback(jdbc, user, "b", "dispute-b", 200);
        grant(jdbc, user, "later", 100, 100);
        jdbc.sql("""
                        insert into debt_waiver (waiver_key, user_id, requested, waived, actor, reason, created_at)
                        values ('waiver', :u, 400, 400, 'ops', 'goodwill', now())""").param("u", user).update();
        entry(jdbc, user, "DEBT_WAIVED", 400, 0, 0, -400, "waiver");
        account(jdbc, user, 0, -400);

        SharedPostgres.migrate(url, null);

        assertThat(jdbc.sql("""
                        select clawback_key || ' paid ' || debt_paid || ' waived ' || debt_waived
                          from credit_clawback where user_id = :u order by id""").param("u", user).query(String.class).list())
                .containsExactly("dispute-a paid 100 waived 200", "dispute-b paid 0 waived 200");
        assertThat(new InvariantCheck(jdbc).run().violations()).isEmpty();

        // the dispute of "a" is won after the upgrade: the 100 paid come back, the 200 waived do not
        LedgerStore accounts = new LedgerStore(jdbc);
        GivenBack back = new GrantStore(jdbc, accounts, new DebtAttribution(jdbc))
                .giveBack(
                        user,
                        300,
                        new Reversed(List.of("a"), "dispute-a"),
                        GrantSource.PURCHASE,
                        "won-a",
                        null,
                        "won",
                        Instant.now());
        assertThat(back.forgiven()).isEqualTo(200);
        assertThat(accounts.balance(user)).contains(new Balance(100, 0, 0));
        assertThat(new InvariantCheck(jdbc).run().violations()).isEmpty();
    }

    /**
     * A dispute won before the upgrade paid its own clawback's debt, not the oldest's: so the waiver
     * that followed forgave the other dispute's debt, and when that dispute is won after the upgrade,
     * the forgiven debt does not come back as credits. (Replayed as an ordinary payment, the give-back
     * paid dispute A's debt, the waiver was charged to B's, and A's win credited 100.)
     */
    @Test
    void aGiveBackBeforeTheUpgradeIsAttributedToTheClawbackItReversed() {
        // b's clawback and its reversal: a won dispute, or a refund that failed
        aGiveBackBeforeTheUpgrade("stripe:dispute:dp_b:stripe:cs_b", "stripe:dispute-won:dp_b");
        aGiveBackBeforeTheUpgrade("stripe:refund:ch_b:0>500#1:stripe:cs_b", "stripe:refund:ch_b:500>0#2");
    }

    private void aGiveBackBeforeTheUpgrade(String clawbackOfB, String giveBackOfB) {
        String url = SharedPostgres.newDatabase();
        SharedPostgres.migrate(url, "2026.12.10.0813");
        try (SingleConnectionDataSource db = oneConnection(url)) {
            aGiveBackBeforeTheUpgrade(url, JdbcClient.create(db), clawbackOfB, giveBackOfB);
        }
    }

    private void aGiveBackBeforeTheUpgrade(String url, JdbcClient jdbc, String clawbackOfB, String giveBackOfB) {

        // packs a and b of 100, spent; a disputed, b disputed or refunded (all debt); b's clawback
        // reversed (its give-back paid 100 of debt); an operator waived the 100 left
        long user = 72;
        jdbc.sql("insert into credit_account (user_id) values (:u)")
                .param("u", user)
                .update();
        long pa = purchase(jdbc, user, "pa");
        long pb = purchase(jdbc, user, "pb");
        grant(jdbc, user, "stripe:cs_a", 100, 0);
        purchaseGrant(jdbc, pa, "stripe:cs_a", 100);
        grant(jdbc, user, "stripe:cs_b", 100, 0);
        purchaseGrant(jdbc, pb, "stripe:cs_b", 100);
        spend(jdbc, user, "job", 200);
        clawback(jdbc, user, "stripe:cs_a", "stripe:dispute:dp_a:stripe:cs_a", 100);
        clawback(jdbc, user, "stripe:cs_b", clawbackOfB, 100);
        grant(jdbc, user, giveBackOfB, 100, 100);
        purchaseGrant(jdbc, pb, giveBackOfB, 100);
        jdbc.sql("""
                        insert into debt_waiver (waiver_key, user_id, requested, waived, actor, reason, created_at)
                        values ('waiver', :u, 100, 100, 'ops', 'goodwill', now())""").param("u", user).update();
        entry(jdbc, user, "DEBT_WAIVED", 100, 0, 0, -100, "waiver");
        account(jdbc, user, 0, -100);

        SharedPostgres.migrate(url, null);

        assertThat(jdbc.sql("""
                        select clawback_key || ' paid ' || debt_paid || ' waived ' || debt_waived
                          from credit_clawback where user_id = :u order by id""").param("u", user).query(String.class).list())
                .as(giveBackOfB)
                .containsExactly(
                        "stripe:dispute:dp_a:stripe:cs_a paid 0 waived 100", clawbackOfB + " paid 100 waived 0");
        assertThat(new InvariantCheck(jdbc).run().violations()).isEmpty();

        // a's dispute is won after the upgrade: its debt was forgiven, nothing comes back as credits
        LedgerStore accounts = new LedgerStore(jdbc);
        GivenBack back = new GrantStore(jdbc, accounts, new DebtAttribution(jdbc))
                .giveBack(
                        user,
                        100,
                        new Reversed(List.of("stripe:cs_a"), "stripe:dispute:dp_a:"),
                        GrantSource.PURCHASE,
                        "stripe:dispute-won:dp_a",
                        null,
                        "won",
                        Instant.now());
        assertThat(back.forgiven()).isEqualTo(100);
        assertThat(accounts.balance(user)).contains(new Balance(0, 0, 0));
        assertThat(new InvariantCheck(jdbc).run().violations()).isEmpty();
    }

    /**
     * One connection for all of a test's statements (autocommit, as before): a connection per
     * statement cost each database here some 50 connection starts, seconds on a loaded machine.
     * It is idle between statements, so the upgrade's ALTER TABLEs do not wait for it.
     */
    private static SingleConnectionDataSource oneConnection(String url) {
        return new SingleConnectionDataSource(url, "postgres", "postgres", true);
    }

    /** A billing purchase of the user's (only what the replay reads of it matters). */
    private static long purchase(JdbcClient jdbc, long user, String key) {
        return jdbc.sql("""
                        insert into billing_purchase (purchase_key, provider, user_id, product, credits, amount_minor,
                                                      currency, created_at)
                        values (:key, 'stripe', :u, 'pack-100', 100, 500, 'usd', now())
                        returning id""")
                .param("key", key)
                .param("u", user)
                .query(Long.class)
                .single();
    }

    private static void purchaseGrant(JdbcClient jdbc, long purchase, String key, long amount) {
        jdbc.sql("""
                        insert into billing_purchase_grant (grant_key, purchase_id, amount, created_at)
                        values (:key, :p, :amount, now())""")
                .param("key", key)
                .param("p", purchase)
                .param("amount", amount)
                .update();
    }

    /** A grant and its GRANT entry as the ledger wrote them: {@code paidDebt} of it paid debt. */
    private static void grant(JdbcClient jdbc, long user, String key, long amount, long paidDebt) {
        jdbc.sql("""
                        insert into credit_grant (grant_key, user_id, amount, source, paid_debt, created_at)
                        values (:key, :u, :amount, 'PURCHASE', :paid, now())""")
                .param("key", key)
                .param("u", user)
                .param("amount", amount)
                .param("paid", paidDebt)
                .update();
        entry(jdbc, user, "GRANT", amount, amount - paidDebt, 0, -paidDebt, key);
        account(jdbc, user, amount - paidDebt, -paidDebt);
    }

    /** A captured hold of {@code amount}: its HOLD and CAPTURE entries. */
    private static void spend(JdbcClient jdbc, long user, String key, long amount) {
        jdbc.sql("""
                        insert into credit_hold (hold_key, user_id, amount, state, expires_at, created_at, settled_at)
                        values (:key, :u, :amount, 'CAPTURED', now(), now(), now())""").param("key", key).param("u", user).param("amount", amount).update();
        entry(jdbc, user, "HOLD", amount, 0, amount, 0, key);
        entry(jdbc, user, "CAPTURE", amount, -amount, -amount, 0, key);
        account(jdbc, user, -amount, 0);
    }

    /** A clawback of all of {@code amount} of a grant from an account with nothing available: all debt. */
    private static void clawback(JdbcClient jdbc, long user, String grant, String key, long amount) {
        jdbc.sql("update credit_grant set clawed_back = clawed_back + :a where grant_key = :g")
                .param("a", amount)
                .param("g", grant)
                .update();
        jdbc.sql("""
                        insert into credit_clawback (clawback_key, grant_id, user_id, requested, applied, taken,
                                                     debt_added, created_at)
                        select :key, id, :u, :a, :a, 0, :a, now() from credit_grant where grant_key = :g""")
                .param("key", key)
                .param("u", user)
                .param("a", amount)
                .param("g", grant)
                .update();
        entry(jdbc, user, "CLAWBACK", amount, 0, 0, amount, key);
        account(jdbc, user, 0, amount);
    }

    private static void account(JdbcClient jdbc, long user, long balanceDelta, long debtDelta) {
        jdbc.sql("update credit_account set balance = balance + :b, debt = debt + :d where user_id = :u")
                .param("b", balanceDelta)
                .param("d", debtDelta)
                .param("u", user)
                .update();
    }

    private static void entry(
            JdbcClient jdbc, long user, String kind, long amount, long balance, long held, long debt, String key) {
        jdbc.sql("""
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, created_at)
                        values (:u, :kind, :amount, :b, :h, :d, :key, now())""")
                .param("u", user)
                .param("kind", kind)
                .param("amount", amount)
                .param("b", balance)
                .param("h", held)
                .param("d", debt)
                .param("key", key)
                .update();
    }
}

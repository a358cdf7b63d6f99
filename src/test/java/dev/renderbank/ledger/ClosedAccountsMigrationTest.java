package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.internal.InvariantCheck;
import dev.renderbank.support.SharedPostgres;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A closed account keeps no credits. The accounts of users deleted before accounts were closed
 * (V2026_12_02_0300) had their credits forfeited at deletion, but credits could still land on them
 * afterwards (a late payment, an operator's grant: nothing refused or forfeited them then); once
 * such an account is closed, nothing forfeits them any more. The upgrade forfeits them, each with
 * its FORFEIT entry, and leaves live accounts as they are.
 */
class ClosedAccountsMigrationTest {

    @Test
    void anAccountDeletedBeforeAccountsWereClosedKeepsNoCreditsThatLandedAfterItsForfeit() {
        String url = SharedPostgres.newDatabase();
        // the schema as it was before accounts were closed (the migration just before V2026_12_02_0300)
        SharedPostgres.migrate(url, "2026.12.02.0100");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", "postgres"));

        // deleted and forfeited (50) before this release, then a late payment landed on it (30)
        long deleted = user(jdbc, "gone@test.local", true);
        account(jdbc, deleted, 30);
        grant(jdbc, deleted, "before:" + deleted, 50);
        entry(jdbc, deleted, "FORFEIT", 50, -50, "forfeit:" + deleted);
        grant(jdbc, deleted, "late-payment:" + deleted, 30);
        long live = user(jdbc, "live@test.local", false);
        account(jdbc, live, 40);
        grant(jdbc, live, "bought:" + live, 40);

        SharedPostgres.migrate(url, null);

        assertThat(balanceAndClosed(jdbc, deleted)).as("the deleted account").isEqualTo("0 closed");
        assertThat(jdbc.sql("""
                        select kind || ' ' || balance_delta from ledger_entry
                         where user_id = :u and kind = 'FORFEIT' order by id""").param("u", deleted).query(String.class).list())
                .isEqualTo(List.of("FORFEIT -50", "FORFEIT -30"));
        assertThat(balanceAndClosed(jdbc, live)).as("a live account").isEqualTo("40 open");
        assertThat(new InvariantCheck(jdbc).run().violations()).isEmpty();
    }

    private static long user(JdbcClient jdbc, String email, boolean deleted) {
        return jdbc.sql("""
                        insert into app_user (email, password_hash, role, deleted_at)
                        values (:email, 'x', 'USER', case when :deleted then now() end)
                        returning id""")
                .param("email", email)
                .param("deleted", deleted)
                .query(Long.class)
                .single();
    }

    private static void account(JdbcClient jdbc, long user, long balance) {
        jdbc.sql("insert into credit_account (user_id, balance) values (:u, :b)")
                .param("u", user)
                .param("b", balance)
                .update();
    }

    /** A grant and its GRANT entry, as the ledger writes them (no debt paid). */
    private static void grant(JdbcClient jdbc, long user, String key, long amount) {
        jdbc.sql("""
                        insert into credit_grant (grant_key, user_id, amount, source, created_at)
                        values (:key, :u, :amount, 'PURCHASE', now())""").param("key", key).param("u", user).param("amount", amount).update();
        entry(jdbc, user, "GRANT", amount, amount, key);
    }

    private static void entry(JdbcClient jdbc, long user, String kind, long amount, long delta, String key) {
        jdbc.sql("""
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, created_at)
                        values (:u, :kind, :amount, :delta, 0, 0, :key, now())""")
                .param("u", user)
                .param("kind", kind)
                .param("amount", amount)
                .param("delta", delta)
                .param("key", key)
                .update();
    }

    private static String balanceAndClosed(JdbcClient jdbc, long user) {
        return jdbc.sql("""
                        select balance || case when closed_at is null then ' open' else ' closed' end
                          from credit_account where user_id = :u""").param("u", user).query(String.class).single();
    }
}

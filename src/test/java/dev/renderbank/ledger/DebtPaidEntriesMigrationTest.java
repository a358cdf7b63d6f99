package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.ledger.internal.InvariantCheck;
import dev.renderbank.support.SharedPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * An account that owed while it had credits available (a job's hold released after a dispute took
 * what was available, before released credits paid debt: V2026_12_17_0100) pays at the upgrade what
 * those credits cover, as a release does now: a DEBT_PAID entry naming the released hold, attributed
 * to the clawback as paid. An account with nothing available, and a deleted one, are left as they are.
 */
class DebtPaidEntriesMigrationTest {

    @Test
    void creditsReleasedBesideADebtBeforeTheUpgradePayIt() {
        String url = SharedPostgres.newDatabase();
        SharedPostgres.migrate(url, "2026.12.16.0901"); // the schema just before DEBT_PAID
        try (SingleConnectionDataSource db = new SingleConnectionDataSource(url, "postgres", "postgres", true)) {
            JdbcClient jdbc = JdbcClient.create(db);
            // bought 100; a job held 60 when the purchase was disputed: 40 taken, 60 owed; the job failed
            for (long user : new long[] {81, 83}) {
                disputedWhileAJobHeld(jdbc, user);
            }
            jdbc.sql("update credit_account set closed_at = now() where user_id = 83")
                    .update();
            // bought 100, spent it all, then disputed: 100 owed and nothing available
            jdbc.sql("""
                            insert into credit_account (user_id, balance, held, debt) values (82, 0, 0, 100);
                            insert into credit_grant (grant_key, user_id, amount, source, clawed_back, created_at)
                            values ('g82', 82, 100, 'PURCHASE', 100, now());
                            insert into credit_hold (hold_key, user_id, amount, state, expires_at, created_at, settled_at)
                            values ('job82', 82, 100, 'CAPTURED', now(), now(), now());
                            insert into credit_clawback (clawback_key, grant_id, user_id, requested, applied, taken,
                                                         debt_added, created_at)
                            select 'dispute82', id, 82, 100, 100, 0, 100, now() from credit_grant where grant_key = 'g82';
                            insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                      ref_key, created_at)
                            values (82, 'GRANT', 100, 100, 0, 0, 'g82', now()),
                                   (82, 'HOLD', 100, 0, 100, 0, 'job82', now()),
                                   (82, 'CAPTURE', 100, -100, -100, 0, 'job82', now()),
                                   (82, 'CLAWBACK', 100, 0, 0, 100, 'dispute82', now())""").update();
            // no invariant check here: today's check reads columns later migrations add
            // (credit_clawback.carried_from); the one after the upgrade checks the rows as migrated

            SharedPostgres.migrate(url, null);

            assertThat(jdbc.sql("""
                            select user_id || ': ' || balance || '/' || held || '/' || debt
                              from credit_account where user_id in (81, 82, 83) order by user_id""").query(String.class).list())
                    .containsExactly("81: 0/0/0", "82: 0/0/100", "83: 60/0/60");
            assertThat(jdbc.sql("""
                            select user_id || ' ' || ref_key || ' ' || amount from ledger_entry
                             where kind = 'DEBT_PAID' order by user_id""").query(String.class).list()).containsExactly("81 job81 60");
            assertThat(jdbc.sql("select debt_paid from credit_clawback where clawback_key = 'dispute81'")
                            .query(Long.class)
                            .single())
                    .isEqualTo(60);
            assertThat(new InvariantCheck(jdbc).run().violations()).isEmpty();
        }
    }

    private static void disputedWhileAJobHeld(JdbcClient jdbc, long user) {
        jdbc.sql("""
                        insert into credit_account (user_id, balance, held, debt) values (:u, 60, 0, 60);
                        insert into credit_grant (grant_key, user_id, amount, source, clawed_back, created_at)
                        values ('g' || :u, :u, 100, 'PURCHASE', 100, now());
                        insert into credit_hold (hold_key, user_id, amount, state, reason, expires_at, created_at, settled_at)
                        values ('job' || :u, :u, 60, 'RELEASED', 'provider failed', now(), now(), now());
                        insert into credit_clawback (clawback_key, grant_id, user_id, requested, applied, taken,
                                                     debt_added, created_at)
                        select 'dispute' || :u, id, :u, 100, 100, 40, 60, now() from credit_grant where user_id = :u;
                        insert into ledger_entry (user_id, kind, amount, balance_delta, held_delta, debt_delta,
                                                  ref_key, created_at)
                        values (:u, 'GRANT', 100, 100, 0, 0, 'g' || :u, now()),
                               (:u, 'HOLD', 60, 0, 60, 0, 'job' || :u, now()),
                               (:u, 'CLAWBACK', 100, -40, 0, 60, 'dispute' || :u, now()),
                               (:u, 'RELEASE', 60, 0, -60, 0, 'job' || :u, now())""").param("u", user).update();
    }
}

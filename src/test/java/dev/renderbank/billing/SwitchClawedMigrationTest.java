package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.SharedPostgres;
import java.sql.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Purchases whose grants plan switches clawed back before V2026_12_18_0100 record what the switches
 * took (switch_clawed), so a won dispute or failed refund of them no longer gives it back, and what a
 * switch cut of its own first month (months_cut); what a dispute or refund clawed back stays theirs to
 * give back.
 */
class SwitchClawedMigrationTest {

    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void switchClawbacksRecordedBeforeTheReleaseAreCountedOnTheirPurchase() {
        String url = SharedPostgres.newDatabase();
        SharedPostgres.migrate(url, "2026.12.17.0100");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", "postgres"));
        jdbc.sql("insert into credit_account (user_id) values (7)").update();

        long year = purchase(jdbc, "stripe:period:sub_a:1", 1800, 341 + 20 + 5);
        long grant1 = grant(jdbc, year, "stripe:period:sub_a:1:month:1", 900);
        long grant2 = grant(jdbc, year, "stripe:period:sub_a:1:month:2", 900);
        clawback(jdbc, grant2, "stripe:switch-excess:stripe:period:sub_a:2:stripe:period:sub_a:1:month:2", 300);
        clawback(jdbc, grant1, "stripe:switch-excess:stripe:period:sub_a:2:stripe:period:sub_a:1:month:1", 41);
        clawback(jdbc, grant2, "stripe:dispute:dp_1:stripe:period:sub_a:1:month:2", 20);
        clawback(jdbc, grant2, "stripe:refund:ch_1:0>100#1:stripe:period:sub_a:1:month:2", 5);
        long switched = purchase(jdbc, "stripe:period:sub_a:2", 500, 60);
        long first = grant(jdbc, switched, "stripe:period:sub_a:2:month:1", 500);
        clawback(jdbc, first, "stripe:switch:stripe:period:sub_a:2:stripe:period:sub_a:2:month:1", 60);
        long pack = purchase(jdbc, "stripe:checkout:cs_1", 200, 200);
        clawback(jdbc, grant(jdbc, pack, "stripe:checkout:cs_1", 200), "stripe:dispute:dp_2:stripe:checkout:cs_1", 200);

        SharedPostgres.migrate(url, null);

        assertThat(switchClawed(jdbc, year)).isEqualTo("341 0");
        assertThat(switchClawed(jdbc, switched)).isEqualTo("60 60");
        assertThat(switchClawed(jdbc, pack)).isEqualTo("0 0");
    }

    private static long purchase(JdbcClient jdbc, String key, long granted, long clawed) {
        return jdbc.sql("""
                        insert into billing_purchase (purchase_key, provider, user_id, product, credits, amount_minor,
                                                      currency, granted, clawed, created_at)
                        values (:key, 'stripe', 7, 'proplus', :granted, 34900, 'USD', :granted, :clawed, :at)
                        returning id""")
                .param("key", key)
                .param("granted", granted)
                .param("clawed", clawed)
                .param("at", Timestamp.from(T))
                .query(Long.class)
                .single();
    }

    private static long grant(JdbcClient jdbc, long purchase, String key, long amount) {
        jdbc.sql("""
                        insert into billing_purchase_grant (grant_key, purchase_id, amount, created_at)
                        values (:key, :purchase, :amount, :at)""")
                .param("key", key)
                .param("purchase", purchase)
                .param("amount", amount)
                .param("at", Timestamp.from(T))
                .update();
        return jdbc.sql("""
                        insert into credit_grant (grant_key, user_id, amount, source, created_at)
                        values (:key, 7, :amount, 'SUBSCRIPTION', :at) returning id""")
                .param("key", key)
                .param("amount", amount)
                .param("at", Timestamp.from(T))
                .query(Long.class)
                .single();
    }

    private static void clawback(JdbcClient jdbc, long grant, String key, long applied) {
        jdbc.sql("""
                        insert into credit_clawback (clawback_key, grant_id, user_id, requested, applied, taken,
                                                     debt_added, created_at)
                        values (:key, :grant, 7, :applied, :applied, :applied, 0, :at)""")
                .param("key", key)
                .param("grant", grant)
                .param("applied", applied)
                .param("at", Timestamp.from(T))
                .update();
    }

    /** switch_clawed and months_cut. */
    private static String switchClawed(JdbcClient jdbc, long purchase) {
        return jdbc.sql("select switch_clawed || ' ' || months_cut from billing_purchase where id = :id")
                .param("id", purchase)
                .query(String.class)
                .single();
    }
}

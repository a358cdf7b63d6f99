package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.SharedPostgres;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Plan switches recorded before V2026_12_16_0900/0901 that took a share off their first month
 * (first_month_less above 0) are marked as having credited unused time back and taken it, and the
 * period that ran at their start records that share as handed on and kept, so a refund of it no longer
 * takes it a second time. A switch that took nothing, and a period no switch cut, stay as they were.
 */
class PlanSwitchBackfillMigrationTest {

    private static final Instant T = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void switchesThatTookAShareBeforeTheReleaseAreMarkedAndTheirOldPeriodRecordsIt() {
        String url = SharedPostgres.newDatabase();
        SharedPostgres.migrate(url, "2026.12.15.0600");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", "postgres"));

        long oldMonthly = period(jdbc, "sub_a", T, plusMonths(T, 1), 500, 1, 0);
        long cut = period(
                jdbc, "sub_a", T.plusSeconds(10 * 86_400), plusMonths(T.plusSeconds(10 * 86_400), 12), 500, 12, 333);
        long untouchedOld = period(jdbc, "sub_b", T, plusMonths(T, 1), 500, 1, 0);
        long uncut = period(jdbc, "sub_b", T.plusSeconds(86_400), plusMonths(T.plusSeconds(86_400), 12), 500, 12, 0);

        SharedPostgres.migrate(url, null);

        assertThat(flags(jdbc, cut)).isEqualTo("true true");
        assertThat(flags(jdbc, uncut)).isEqualTo("false false");
        assertThat(flags(jdbc, oldMonthly)).isEqualTo("false false");
        assertThat(handedOn(jdbc, oldMonthly)).isEqualTo("333 333");
        assertThat(handedOn(jdbc, untouchedOld)).isEqualTo("0 0");
        assertThat(handedOn(jdbc, cut)).isEqualTo("0 0");
    }

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    private static long period(
            JdbcClient jdbc, String sub, Instant start, Instant end, long monthly, int months, long less) {
        long id = jdbc.sql("""
                        insert into billing_purchase (purchase_key, provider, user_id, product, credits, amount_minor,
                                                      currency, granted, created_at)
                        values ('stripe:period:' || :sub || ':' || :start, 'stripe', 7, 'pro', :credits, 1990, 'USD',
                                0, :at)
                        returning id""")
                .param("sub", sub)
                .param("start", start.getEpochSecond())
                .param("credits", monthly * months - less)
                .param("at", Timestamp.from(start))
                .query(Long.class)
                .single();
        jdbc.sql("""
                        insert into billing_subscription_period (purchase_id, provider, subscription_id, period_start,
                                    period_end, monthly_credits, months, months_granted, first_month_less)
                        values (:id, 'stripe', :sub, :start, :end, :monthly, :months, 1, :less)""")
                .param("id", id)
                .param("sub", sub)
                .param("start", Timestamp.from(start))
                .param("end", Timestamp.from(end))
                .param("monthly", monthly)
                .param("months", months)
                .param("less", less)
                .update();
        return id;
    }

    private static String flags(JdbcClient jdbc, long period) {
        return jdbc.sql("""
                        select unused_time_credited || ' ' || unused_share_taken from billing_subscription_period
                         where purchase_id = :id""").param("id", period).query(String.class).single();
    }

    private static String handedOn(JdbcClient jdbc, long purchase) {
        return jdbc.sql("select unused_handed_on || ' ' || unused_kept from billing_purchase where id = :id")
                .param("id", purchase)
                .query(String.class)
                .single();
    }
}

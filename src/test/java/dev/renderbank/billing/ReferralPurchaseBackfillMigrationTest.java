package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.SharedPostgres;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Referral rewards paid before the reward followed its purchase (V2026_12_02_0301) name no purchase,
 * so refunds of that purchase never took them back. The upgrade links each to the purchase that
 * earned it where billing's rows name it unambiguously (the referee's only purchase recorded at or
 * before the reward), as the referral code links a reward it pays; the others stay as they were.
 */
class ReferralPurchaseBackfillMigrationTest {

    private static final Instant T = Instant.parse("2026-11-28T10:00:00Z");

    @Test
    void aRewardPaidBeforeTheReleaseIsLinkedToThePurchaseThatEarnedItWhereThatIsUnambiguous() {
        String url = SharedPostgres.newDatabase();
        // the schema as it was before this back-fill (the migration just before it)
        SharedPostgres.migrate(url, "2026.12.03.0101");
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(url, "postgres", "postgres"));
        long referrer = 1000;
        account(jdbc, referrer);

        // rewarded at its first purchase; a second purchase came a day later
        long single = 2001;
        long first = purchase(jdbc, single, T);
        purchase(jdbc, single, T.plusSeconds(86_400));
        rewarded(jdbc, single, referrer, T.plusMillis(3), 10L);
        grant(jdbc, referrer, single, 10);

        // rewarded before the reward amount was recorded (reward null)
        long old = 2002;
        long oldFirst = purchase(jdbc, old, T);
        rewarded(jdbc, old, referrer, T.plusMillis(1), null);
        grant(jdbc, referrer, old, 10);

        // two first purchases at once: either may have earned it
        long twice = 2003;
        purchase(jdbc, twice, T);
        purchase(jdbc, twice, T.plusMillis(1));
        rewarded(jdbc, twice, referrer, T.plusMillis(2), 10L);
        grant(jdbc, referrer, twice, 10);

        // referred, never rewarded (the referral was recorded after the referee's first purchase)
        long never = 2004;
        purchase(jdbc, never, T);
        jdbc.sql("insert into billing_referral (referee_id, referrer_id, created_at) values (:e, :r, :t)")
                .param("e", never)
                .param("r", referrer)
                .param("t", ts(T.plusSeconds(60)))
                .update();

        SharedPostgres.migrate(url, null);

        assertThat(link(jdbc, single)).isEqualTo(first + " 10 0");
        assertThat(link(jdbc, old)).as("its reward recorded from its grant").isEqualTo(oldFirst + " 10 0");
        assertThat(link(jdbc, twice)).as("ambiguous: left as it was").isEqualTo("- 10 0");
        assertThat(link(jdbc, never)).isEqualTo("- - 0");
        assertThat(jdbc.sql("select referee_id || ' ' || grant_key || ' ' || amount from billing_referral_grant"
                                + " order by referee_id")
                        .query(String.class)
                        .list())
                .isEqualTo(List.of(
                        single + " reward:referral:" + single + " 10", old + " reward:referral:" + old + " 10"));
    }

    private static String link(JdbcClient jdbc, long referee) {
        return jdbc.sql("""
                        select coalesce(purchase_id::text, '-') || ' ' || coalesce(reward::text, '-') || ' ' || clawed
                          from billing_referral where referee_id = :e""").param("e", referee).query(String.class).single();
    }

    private static void account(JdbcClient jdbc, long user) {
        jdbc.sql("insert into credit_account (user_id, balance) values (:u, 100)")
                .param("u", user)
                .update();
    }

    private static long purchase(JdbcClient jdbc, long user, Instant at) {
        return jdbc.sql("""
                        insert into billing_purchase (purchase_key, provider, user_id, product, credits, amount_minor,
                                                      currency, granted, created_at)
                        values ('creem:order:' || gen_random_uuid(), 'creem', :u, 'pack-200', 200, 990, 'USD', 200, :t)
                        returning id""")
                .param("u", user)
                .param("t", ts(at))
                .query(Long.class)
                .single();
    }

    private static void rewarded(JdbcClient jdbc, long referee, long referrer, Instant at, Long reward) {
        jdbc.sql("""
                        insert into billing_referral (referee_id, referrer_id, created_at, rewarded_at, reward)
                        values (:e, :r, :created, :at, :reward)""")
                .param("e", referee)
                .param("r", referrer)
                .param("created", ts(T.minusSeconds(3600)))
                .param("at", ts(at))
                .param("reward", reward)
                .update();
    }

    /** The referral reward's ledger grant, as the code before V2026_12_02_0301 wrote it. */
    private static void grant(JdbcClient jdbc, long referrer, long referee, long amount) {
        jdbc.sql("""
                        insert into credit_grant (grant_key, user_id, amount, source, reference, reason, created_at)
                        values ('reward:referral:' || :e, :r, :amount, 'REWARD', 'user:' || :e, 'referral reward', now())""")
                .param("e", referee)
                .param("r", referrer)
                .param("amount", amount)
                .update();
    }

    private static java.time.OffsetDateTime ts(Instant i) {
        return dev.renderbank.platform.SqlTime.ts(i);
    }
}

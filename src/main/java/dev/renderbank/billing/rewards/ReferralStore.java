package dev.renderbank.billing.rewards;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of {@code billing_referral}: who referred whom, and whether the referrer was rewarded. */
@Repository
class ReferralStore {

    private final JdbcClient jdbc;

    ReferralStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records who referred the referee; false if the referee already has a referrer. */
    boolean record(long refereeId, long referrerId, Instant now) {
        return jdbc.sql("""
                                insert into billing_referral (referee_id, referrer_id, created_at)
                                values (:referee, :referrer, :now) on conflict (referee_id) do nothing""")
                        .param("referee", refereeId)
                        .param("referrer", referrerId)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    Optional<Long> referrerOf(long refereeId) {
        return jdbc.sql("select referrer_id from billing_referral where referee_id = :referee")
                .param("referee", refereeId)
                .query(Long.class)
                .optional();
    }

    /** Marks the referral rewarded; returns the referrer if this call did it (once per referee). */
    Optional<Long> claim(long refereeId, Instant now) {
        return jdbc.sql("""
                        update billing_referral set rewarded_at = :now
                         where referee_id = :referee and rewarded_at is null
                        returning referrer_id""")
                .param("now", ts(now))
                .param("referee", refereeId)
                .query(Long.class)
                .optional();
    }
}

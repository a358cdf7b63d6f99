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

    /**
     * Marks the referral rewarded with {@code reward} credits; returns the referrer if this call did
     * it (once per referee).
     */
    Optional<Long> claim(long refereeId, long reward, Instant now) {
        return jdbc.sql("""
                        update billing_referral set rewarded_at = :now, reward = :reward
                         where referee_id = :referee and rewarded_at is null
                        returning referrer_id""")
                .param("now", ts(now))
                .param("reward", reward)
                .param("referee", refereeId)
                .query(Long.class)
                .optional();
    }

    /** How many signed up through the referrer, and what their rewarded referrals paid. */
    record Tally(long referred, long earned) {}

    /** {@code defaultReward} counts rewarded referrals recorded before rewards were stored. */
    Tally tally(long referrerId, long defaultReward) {
        return jdbc.sql("""
                        select count(*) as referred,
                               coalesce(sum(coalesce(reward, :fallback)) filter (where rewarded_at is not null), 0) as earned
                          from billing_referral where referrer_id = :referrer""")
                .param("referrer", referrerId)
                .param("fallback", defaultReward)
                .query((rs, n) -> new Tally(rs.getLong("referred"), rs.getLong("earned")))
                .single();
    }

    Optional<String> codeOf(long userId) {
        return jdbc.sql("select code from billing_referral_code where user_id = :user")
                .param("user", userId)
                .query(String.class)
                .optional();
    }

    /**
     * Gives the user {@code code} unless they have one already (a concurrent first call may win);
     * false if the code is taken by someone else, so the caller draws another.
     */
    boolean assignCode(long userId, String code, Instant now) {
        return jdbc.sql("""
                                insert into billing_referral_code (user_id, code, created_at)
                                values (:user, :code, :now) on conflict do nothing""")
                        .param("user", userId)
                        .param("code", code)
                        .param("now", ts(now))
                        .update()
                == 1;
    }

    Optional<Long> userOfCode(String code) {
        return jdbc.sql("select user_id from billing_referral_code where code = :code")
                .param("code", code)
                .query(Long.class)
                .optional();
    }
}

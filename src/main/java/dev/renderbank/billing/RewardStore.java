package dev.renderbank.billing;

import static dev.renderbank.billing.PaymentEventStore.ts;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class RewardStore {

    private final JdbcClient jdbc;

    RewardStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records today's check-in; returns the streak, or empty if the user already checked in today. */
    Optional<Integer> checkIn(long userId, LocalDate day) {
        return jdbc.sql("""
                        insert into billing_checkin (user_id, day, streak)
                        values (:user, :day, coalesce((select streak + 1 from billing_checkin
                                                        where user_id = :user and day = :yesterday), 1))
                        on conflict (user_id, day) do nothing
                        returning streak""")
                .param("user", userId)
                .param("day", day)
                .param("yesterday", day.minusDays(1))
                .query(Integer.class)
                .optional();
    }

    boolean recordReferral(long refereeId, long referrerId, Instant now) {
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
    Optional<Long> claimReferral(long refereeId, Instant now) {
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

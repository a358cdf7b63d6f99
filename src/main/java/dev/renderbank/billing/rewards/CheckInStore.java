package dev.renderbank.billing.rewards;

import java.time.LocalDate;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of {@code billing_checkin}: one row per user and calendar day checked in, with the streak it made. */
@Repository
class CheckInStore {

    private final JdbcClient jdbc;

    CheckInStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's latest check-in: its day and the streak it made. */
    record Latest(LocalDate day, int streak) {}

    Optional<Latest> latest(long userId) {
        return jdbc.sql("select day, streak from billing_checkin where user_id = :user order by day desc limit 1")
                .param("user", userId)
                .query((rs, n) -> new Latest(rs.getObject("day", LocalDate.class), rs.getInt("streak")))
                .optional();
    }

    /**
     * Records the check-in of {@code day}; returns the streak, or empty if the user already checked in
     * on that day or a later one. A check-in never goes back in time, so a user whose time zone changes
     * (the day moves by up to a day either way) cannot check in twice for one day that passes. A
     * per-user lock for the caller's transaction serializes check-ins of one user whatever day they name.
     */
    Optional<Integer> checkIn(long userId, LocalDate day) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended('billing-checkin:' || :user, 0))")
                .param("user", userId)
                .query((rs, n) -> 1)
                .single();
        return jdbc.sql("""
                        insert into billing_checkin (user_id, day, streak)
                        select :user, :day, coalesce((select streak + 1 from billing_checkin
                                                       where user_id = :user and day = :yesterday), 1)
                         where not exists (select 1 from billing_checkin where user_id = :user and day >= :day)
                        on conflict (user_id, day) do nothing
                        returning streak""")
                .param("user", userId)
                .param("day", day)
                .param("yesterday", day.minusDays(1))
                .query(Integer.class)
                .optional();
    }
}

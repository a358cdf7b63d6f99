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
}

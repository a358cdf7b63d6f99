package dev.renderbank.billing.rewards;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of {@code billing_checkin} (named for the first daily reward): one row per user, daily reward
 * ({@link Kind}) and calendar day it was given, with the streak of consecutive days it made (the check-in's streak bonus reads it).
 */
@Repository
class RewardDayStore {

    /** The daily rewards; the name is the row's {@code kind}. */
    enum Kind {
        CHECK_IN("check-in", "billing-checkin:"), // the lock's name from before share had one
        SHARE("share", "billing-share:");

        final String column;
        final String lock;

        Kind(String column, String lock) {
            this.column = column;
            this.lock = lock;
        }
    }

    private final JdbcClient jdbc;

    RewardDayStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The user's latest day of this reward and the streak it made. */
    /** The latest rewarded day and its streak; {@code lastGiven}: when any reward of the kind was last given. */
    record Latest(LocalDate day, int streak, Instant lastGiven) {

        /** Whether a claim of {@code today}, which began at {@code dayStart}, is refused ({@link #claim}'s rule). */
        boolean blocks(LocalDate today, Instant dayStart) {
            return !day.isBefore(today) || !lastGiven.isBefore(dayStart);
        }
    }

    Optional<Latest> latest(long userId, Kind kind) {
        return jdbc.sql("""
                        select day, streak,
                               (select max(given_at) from billing_checkin
                                 where user_id = :user and kind = :kind) as last_given
                          from billing_checkin
                         where user_id = :user and kind = :kind order by day desc limit 1""")
                .param("user", userId)
                .param("kind", kind.column)
                .query((rs, n) -> new Latest(
                        rs.getObject("day", LocalDate.class),
                        rs.getInt("streak"),
                        rs.getTimestamp("last_given").toInstant()))
                .optional();
    }

    /**
     * Records the reward of {@code day} (the calendar day in the user's current time zone, which began
     * at {@code dayStart}); returns the streak, or empty if it is not due. It is not due if the user
     * had it on that day or a later one (a reward never goes back in time, so a user whose time zone
     * moves west cannot have one day twice), nor if the previous one was given since {@code dayStart}
     * (so a zone moved east cannot give a second reward at one moment: whatever the zones, two rewards
     * are a calendar day of the current zone apart). A per-user lock for the caller's transaction
     * serializes the user's claims whatever day they name.
     */
    Optional<Integer> claim(long userId, Kind kind, LocalDate day, Instant dayStart, Instant now) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:lock || :user, 0))")
                .param("lock", kind.lock)
                .param("user", userId)
                .query((rs, n) -> 1)
                .single();
        return jdbc.sql("""
                        insert into billing_checkin (user_id, kind, day, streak, given_at)
                        select :user, :kind, :day, coalesce((select streak + 1 from billing_checkin
                                                              where user_id = :user and kind = :kind
                                                                and day = :yesterday), 1), :now
                         where not exists (select 1 from billing_checkin
                                            where user_id = :user and kind = :kind
                                              and (day >= :day or given_at >= :dayStart))
                        on conflict (user_id, kind, day) do nothing
                        returning streak""")
                .param("user", userId)
                .param("kind", kind.column)
                .param("day", day)
                .param("yesterday", day.minusDays(1))
                .param("dayStart", ts(dayStart))
                .param("now", ts(now))
                .query(Integer.class)
                .optional();
    }
}

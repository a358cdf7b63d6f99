package dev.renderbank.billing.rewards;

import static dev.renderbank.platform.SqlTime.ts;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL of {@code billing_checkin} (named for the first daily reward): one row per daily reward
 * ({@link Kind}) given, with the account and the mailbox it was given to ({@code mailbox_key}: a
 * keyed digest, never the address), its calendar day and the streak of consecutive days it made (the
 * check-in's streak bonus reads it). A reward is the mailbox's: the days of every account of one
 * mailbox, deleted ones included, are one series. Rows from before mailboxes were recorded (no {@code
 * mailbox_key}) count for their own account only.
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

    /** The rows a claim of this account and mailbox counts: the mailbox's, and the account's own older ones. */
    private static final String THEIRS = "kind = :kind and (mailbox_key = :mailbox or user_id = :user)";

    private final JdbcClient jdbc;

    RewardDayStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The latest rewarded day and its streak; {@code lastGiven}: when any reward of the kind was last
     * given (null for rows from before that was recorded).
     */
    record Latest(LocalDate day, int streak, Instant lastGiven) {

        /** Whether a claim of {@code today}, which began at {@code dayStart}, is refused ({@link #claim}'s rule). */
        boolean blocks(LocalDate today, Instant dayStart) {
            return !day.isBefore(today) || (lastGiven != null && !lastGiven.isBefore(dayStart));
        }
    }

    /** The latest day of this reward of the account or its mailbox, and the streak it made. */
    Optional<Latest> latest(long userId, String mailbox, Kind kind) {
        return jdbc.sql("select day, streak,"
                        + " (select max(given_at) from billing_checkin where " + THEIRS + ") as last_given"
                        + " from billing_checkin where " + THEIRS + " order by day desc, streak desc limit 1")
                .param("user", userId)
                .param("mailbox", mailbox)
                .param("kind", kind.column)
                .query((rs, n) -> new Latest(
                        rs.getObject("day", LocalDate.class),
                        rs.getInt("streak"),
                        rs.getTimestamp("last_given") == null
                                ? null
                                : rs.getTimestamp("last_given").toInstant()))
                .optional();
    }

    /** What {@link #claim} found. */
    sealed interface Claim {
        /** Given now: the streak it makes. */
        record Given(int streak) implements Claim {}

        /** Not due: this account had it ({@code byThisAccount}) or another account of its mailbox. */
        record NotDue(boolean byThisAccount) implements Claim {}
    }

    /**
     * Records the reward of {@code day} (the calendar day in the user's current time zone, which began
     * at {@code dayStart}) for the account and its {@code mailbox}, unless it is not due. It is not due
     * if the mailbox (any of its accounts, deleted or not) or the account had it on that day or a later
     * one (a reward never goes back in time, so a time zone moved west, or another account of the
     * mailbox in a zone further east, cannot have one day twice), nor if the previous one was given
     * since {@code dayStart} (so a zone moved east cannot give a second reward at one moment: whatever
     * the zones, two rewards of one mailbox are a calendar day of the claimant's zone apart).
     * Transaction locks, the account's then the mailbox's, serialize the claims of each whatever day
     * they name: of two accounts of one mailbox claiming at once, the second sees the first's row.
     */
    Claim claim(long userId, String mailbox, Kind kind, LocalDate day, Instant dayStart, Instant now) {
        // the account's lock (the one a node of the previous release takes), then the mailbox's
        lock(kind.lock + userId);
        lock(kind.lock + "mailbox:" + mailbox);
        Optional<Integer> streak = jdbc.sql("insert into billing_checkin (user_id, kind, day, streak, given_at,"
                        + " mailbox_key) select :user, :kind, :day, coalesce((select max(streak) + 1 from"
                        + " billing_checkin where " + THEIRS + " and day = :yesterday), 1), :now, :mailbox"
                        + " where not exists (select 1 from billing_checkin where " + THEIRS
                        + " and (day >= :day or given_at >= :dayStart))"
                        + " on conflict do nothing returning streak")
                .param("user", userId)
                .param("mailbox", mailbox)
                .param("kind", kind.column)
                .param("day", day)
                .param("yesterday", day.minusDays(1))
                .param("dayStart", ts(dayStart))
                .param("now", ts(now))
                .query(Integer.class)
                .optional();
        if (streak.isPresent()) {
            return new Claim.Given(streak.get());
        }
        return new Claim.NotDue(blocksOwn(userId, kind, day, dayStart));
    }

    /** Whether this account's own rows (not its mailbox's) refuse a claim of {@code day} ({@link #claim}'s rule). */
    boolean blocksOwn(long userId, Kind kind, LocalDate day, Instant dayStart) {
        return jdbc.sql("select exists (select 1 from billing_checkin where user_id = :user and kind = :kind"
                        + " and (day >= :day or given_at >= :dayStart))")
                .param("user", userId)
                .param("kind", kind.column)
                .param("day", day)
                .param("dayStart", ts(dayStart))
                .query(Boolean.class)
                .single();
    }

    private void lock(String name) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:name, 0))")
                .param("name", name)
                .query((rs, n) -> 1)
                .single();
    }
}

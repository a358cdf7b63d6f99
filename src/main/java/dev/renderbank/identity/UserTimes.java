package dev.renderbank.identity;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a user's pages and emails write a moment: in the user's own time zone ({@link TimeZones}), so a
 * user in Tokyo reads 19:00 for 10:00 UTC and need not convert. The one formatter for that: pages
 * reach it as {@code times} (identity's page advice puts the signed-in user's into every model), code
 * that writes sentences gets it from {@link Users#times(long)}. A page says the zone once ({@link
 * #zoneName()}); machine-readable values (JSON, {@code <time datetime>}) stay UTC instants. The
 * operators' pages do not use it: they stay in UTC, to compare across users.
 */
public final class UserTimes {

    /** The default zone's formatter (an account that never chose one, a deleted account). */
    public static final UserTimes UTC = in(ZoneId.of(TimeZones.DEFAULT));

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMMM d, yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_AND_MINUTE =
            DateTimeFormatter.ofPattern("MMMM d, yyyy, HH:mm", Locale.ENGLISH);

    private final Supplier<ZoneId> source;
    private volatile ZoneId zone;

    private UserTimes(Supplier<ZoneId> source) {
        this.source = source;
    }

    public static UserTimes in(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        UserTimes times = new UserTimes(() -> zone);
        times.zone = zone;
        return times;
    }

    /** The formatter of a stored zone; {@link TimeZones#DEFAULT} for a value that is not one. */
    public static UserTimes in(String storedZone) {
        return in(TimeZones.zoneOf(storedZone));
    }

    /**
     * A formatter that looks its zone up the first time it writes something: every page's model gets
     * one, and a page (or a JSON answer) that shows no time must not cost a read.
     */
    public static UserTimes lookedUpBy(Supplier<String> storedZone) {
        return new UserTimes(() -> TimeZones.zoneOf(storedZone.get()));
    }

    public ZoneId zone() {
        ZoneId z = zone;
        if (z == null) {
            z = source.get();
            zone = z;
        }
        return z;
    }

    /** The zone as the user chose it: {@code Asia/Tokyo}, {@code UTC}. */
    public String zoneName() {
        return zone().getId();
    }

    /** {@code 2026-11-30 19:00}; empty for no moment (not yet, never). */
    public String minute(Instant at) {
        return format(MINUTE, at);
    }

    /** {@code 2026-11-30 19:00:05}; empty for no moment. */
    public String second(Instant at) {
        return format(SECOND, at);
    }

    /** {@code November 30, 2026}: the user's calendar day of the moment; empty for no moment. */
    public String day(Instant at) {
        return format(DAY, at);
    }

    /**
     * {@code November 30, 2026, 19:00 Asia/Tokyo}: for a sentence that names a time of day where the
     * page has no line saying the zone (a notice, an email); empty for no moment.
     */
    public String dayAndMinuteInZone(Instant at) {
        return at == null ? "" : format(DAY_AND_MINUTE, at) + " " + zoneName();
    }

    /** {@code 2026-11-30 19:00 (Asia/Tokyo)}: as {@link #minute}, naming the zone; empty for no moment. */
    public String minuteInZone(Instant at) {
        return at == null ? "" : format(MINUTE, at) + " (" + zoneName() + ")";
    }

    private String format(DateTimeFormatter pattern, Instant at) {
        return at == null ? "" : pattern.format(at.atZone(zone()));
    }

    @Override
    public String toString() {
        return "UserTimes[" + zoneName() + "]";
    }
}

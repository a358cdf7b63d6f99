package dev.renderbank.identity;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The time zones a user may choose: the IANA region ids the JDK knows ({@link
 * ZoneId#getAvailableZoneIds()}), spelt exactly so ({@code Europe/Berlin}, not {@code europe/berlin},
 * {@code +02:00} or {@code UTC+2}). A user's zone decides which calendar day the daily rewards count.
 */
public final class TimeZones {

    /** Every account's zone until its user sets one (the column's default). */
    public static final String DEFAULT = "UTC";

    /** What to send, in words for a refusal: a field's message ends with it. */
    public static final String WHAT_TO_SEND = "must be an IANA time zone such as \"Europe/Berlin\" or \"UTC\"";

    private static final Set<String> KNOWN = Set.copyOf(ZoneId.getAvailableZoneIds());
    private static final List<String> SORTED = KNOWN.stream().sorted().toList();

    private TimeZones() {}

    /** Every zone a user may choose, sorted (the form's list). */
    public static List<String> all() {
        return SORTED;
    }

    /** {@code zone} if a user may choose it; empty for anything else (null, blank, an offset, a typo). */
    public static Optional<String> known(String zone) {
        return zone != null && KNOWN.contains(zone) ? Optional.of(zone) : Optional.empty();
    }

    /**
     * The zone a stored value stands for; {@link #DEFAULT} for a value that is not one (none is stored
     * through this application, but an unknown zone must not cost the user their reward).
     */
    public static ZoneId zoneOf(String zone) {
        try {
            return zone == null ? ZoneId.of(DEFAULT) : ZoneId.of(zone);
        } catch (DateTimeException e) {
            return ZoneId.of(DEFAULT);
        }
    }
}

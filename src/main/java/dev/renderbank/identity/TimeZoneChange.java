package dev.renderbank.identity;

/** What {@link Users#changeTimeZone} did. */
public sealed interface TimeZoneChange {

    /** The user's zone is now {@code timeZone}. */
    record Changed(String timeZone) implements TimeZoneChange {}

    /** Not a zone a user may choose ({@link TimeZones}); nothing was written. */
    record Unknown(String message) implements TimeZoneChange {}

    /** The account is deleted; nothing was written. */
    record AccountGone() implements TimeZoneChange {}
}

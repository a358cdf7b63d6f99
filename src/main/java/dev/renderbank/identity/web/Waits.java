package dev.renderbank.identity.web;

/** A wait in words for a person: "40 seconds", "15 minutes" (rounded up). */
final class Waits {

    private Waits() {}

    static String describe(long seconds) {
        if (seconds < 60) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = (seconds + 59) / 60;
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }
}

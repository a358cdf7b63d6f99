package dev.renderbank.identity.web;

/** A wait in words for a person: "40 seconds", "15 minutes" (rounded up). */
final class Waits {

    private Waits() {}

    static String describe(long seconds) {
        if (seconds < 60) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        // rounded up without adding first: an edited ?locked= near Long.MAX_VALUE must not overflow
        long minutes = seconds / 60 + (seconds % 60 == 0 ? 0 : 1);
        return minutes + (minutes == 1 ? " minute" : " minutes");
    }
}

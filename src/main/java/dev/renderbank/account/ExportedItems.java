package dev.renderbank.account;

import dev.renderbank.billing.Subscription;
import dev.renderbank.notify.NotificationChoices;
import java.time.Instant;

/** The parts of "download my data" that are not another module's record as it is. */
final class ExportedItems {

    private ExportedItems() {}

    /**
     * A plan the user bought: which, its provider's status and period, and what it still grants
     * (see {@link Subscription}).
     */
    record Plan(
            String id,
            String provider,
            String plan,
            String status,
            Instant periodEnd,
            Instant endsAt,
            long monthlyCredits,
            long creditsToCome,
            Instant nextCreditsAt,
            Instant lastCreditsAt) {

        static Plan of(Subscription s) {
            return new Plan(
                    s.id(),
                    s.provider(),
                    s.product(),
                    s.status(),
                    s.periodEnd(),
                    s.endsAt(),
                    s.monthlyCredits(),
                    s.creditsToCome(),
                    s.nextCreditsAt(),
                    s.lastCreditsAt());
        }
    }

    /** The user's settings: the calendar of their daily rewards, and their notification choices. */
    record Settings(String timeZone, boolean generationEmails, long creditsLowThreshold) {

        static Settings of(String timeZone, NotificationChoices choices) {
            return new Settings(timeZone, choices.generationEmails(), choices.creditsLowThreshold());
        }
    }
}

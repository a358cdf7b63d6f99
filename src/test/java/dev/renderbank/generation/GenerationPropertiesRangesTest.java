package dev.renderbank.generation;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/**
 * Job timings and limits are checked for meaning at start (docs/CONFIGURATION.md gives the ranges),
 * not only for being present: each value refused here makes the application misbehave if it starts.
 */
class GenerationPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(GenerationProperties.class);

    /** Zero: the provider is polled without pause (the backoff doubles zero); a cap below the first wait is every wait. */
    @Test
    void pollWaitsArePositiveAndTheCapIsAtLeastTheFirst() {
        R.refused("renderbank.jobs.first-poll", "0s", "-2s");
        R.refused("renderbank.jobs.max-poll", "0s", "1s"); // first-poll 2s
        R.accepted("renderbank.jobs.max-poll", "2s");
    }

    /** Zero: a submit the provider asks to retry later is retried at once, again and again. */
    @Test
    void theSubmitBackoffCapIsPositive() {
        R.refused("renderbank.jobs.max-submit-backoff", "0s", "-5m");
    }

    /** Zero: the sweeper runs without pause. */
    @Test
    void theSweepIntervalIsPositive() {
        R.refused("renderbank.jobs.sweep-interval", "0s", "-30s");
    }

    /** Zero or negative: a failed job's late result is asked for again in a tight loop. */
    @Test
    void theLateDeliveryRetryIsPositive() {
        R.refused("renderbank.jobs.late-delivery-retry", "0s", "-30s");
    }

    /** Zero or negative: every job is past its deadline when accepted. */
    @Test
    void deadlinesArePositive() {
        R.refused("renderbank.jobs.deadline.image", "0s");
        R.refused("renderbank.jobs.deadline.video", "-45m");
    }

    /**
     * The hold must outlive the job's deadline: at zero it expires as the job times out and a late
     * result races its release; negative, the hold's lifetime can be negative and the accept fails.
     */
    @Test
    void theHoldMarginIsPositive() {
        R.refused("renderbank.jobs.hold-margin", "0s", "-1h");
    }

    /**
     * A hold lives for its job's deadline plus the hold margin, and the ledger refuses a hold longer
     * than 30 days: past that every accept of the type would fail with an error instead of the start.
     */
    @Test
    void aDeadlineWithTheHoldMarginFitsTheLedgersLongestHold() {
        R.refused("renderbank.jobs.deadline.video", "30d");
        R.refused("renderbank.jobs.hold-margin", "30d");
        R.with("renderbank.jobs.hold-margin", "1d").accepted("renderbank.jobs.deadline.video", "29d");
    }

    /** A negative cooldown means nothing; zero is no cooldown. */
    @Test
    void cooldownsAreZeroOrMore() {
        R.refused("renderbank.limits.cooldown.image", "-1s");
        R.refused("renderbank.limits.cooldown.video", "-3m");
        R.accepted("renderbank.limits.cooldown.image", "0s");
    }

    /** A negative cap means nothing; zero disables the cap (as documented). */
    @Test
    void inFlightLimitsAreZeroOrMore() {
        R.refused("renderbank.limits.in-flight.image", "-1");
        R.refused("renderbank.limits.in-flight.video", "-2");
        R.accepted("renderbank.limits.in-flight.image", "0");
    }

    /** No thread: no callback is ever checked at once. A queue of zero is allowed (every check needs a free thread). */
    @Test
    void callbackChecksHaveAThreadAndANonNegativeQueue() {
        R.refused("renderbank.jobs.callback-concurrency", "0", "-1");
        R.refused("renderbank.jobs.callback-queue", "-1");
        R.accepted("renderbank.jobs.callback-queue", "0");
        R.accepted("renderbank.jobs.callback-concurrency", "1");
    }

    /**
     * A job is not sent with less than this left before its deadline: negative means nothing, and one
     * at or above the deadline would fail every job the provider could not take at once.
     */
    @Test
    void theMinimumTimeLeftToSubmitIsZeroOrMoreAndBelowTheDeadline() {
        R.refused("renderbank.jobs.min-time-left.image", "-1s", "15m", "20m"); // deadline 15m
        R.refused("renderbank.jobs.min-time-left.video", "-1s", "45m");
        R.accepted("renderbank.jobs.min-time-left.image", "0s", "14m");
        R.with("renderbank.jobs.deadline.video", "3m").refused("renderbank.jobs.min-time-left.video", "10m");
        R.with("renderbank.jobs.deadline.video", "3m").accepted("renderbank.jobs.min-time-left.video", "30s");
    }
}

package dev.renderbank.generation;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * Job timings and limits are checked for meaning at start (docs/CONFIGURATION.md gives the ranges),
 * not only for being present: each value refused here makes the application misbehave if it starts.
 */
class GenerationPropertiesRangesTest {

    static final String P = "renderbank";
    static final Class<GenerationProperties> T = GenerationProperties.class;

    /** Zero: the provider is polled without pause (the backoff doubles zero); a cap below the first wait is every wait. */
    @Test
    void pollWaitsArePositiveAndTheCapIsAtLeastTheFirst() {
        refused(P, T, "renderbank.jobs.first-poll", "0s");
        refused(P, T, "renderbank.jobs.first-poll", "-2s");
        refused(P, T, "renderbank.jobs.max-poll", "0s");
        refused(P, T, "renderbank.jobs.max-poll", "1s"); // first-poll 2s
        accepted(P, T, "renderbank.jobs.max-poll", "2s");
    }

    /** Zero: a submit the provider asks to retry later is retried at once, again and again. */
    @Test
    void theSubmitBackoffCapIsPositive() {
        refused(P, T, "renderbank.jobs.max-submit-backoff", "0s");
        refused(P, T, "renderbank.jobs.max-submit-backoff", "-5m");
    }

    /** Zero: the sweeper runs without pause. */
    @Test
    void theSweepIntervalIsPositive() {
        refused(P, T, "renderbank.jobs.sweep-interval", "0s");
        refused(P, T, "renderbank.jobs.sweep-interval", "-30s");
    }

    /** Zero or negative: a failed job's late result is asked for again in a tight loop. */
    @Test
    void theLateDeliveryRetryIsPositive() {
        refused(P, T, "renderbank.jobs.late-delivery-retry", "0s");
        refused(P, T, "renderbank.jobs.late-delivery-retry", "-30s");
    }

    /** Zero or negative: every job is past its deadline when accepted. */
    @Test
    void deadlinesArePositive() {
        refused(P, T, "renderbank.jobs.deadline.image", "0s");
        refused(P, T, "renderbank.jobs.deadline.video", "-45m");
    }

    /**
     * The hold must outlive the job's deadline: at zero it expires as the job times out and a late
     * result races its release; negative, the hold's lifetime can be negative and the accept fails.
     */
    @Test
    void theHoldMarginIsPositive() {
        refused(P, T, "renderbank.jobs.hold-margin", "0s");
        refused(P, T, "renderbank.jobs.hold-margin", "-1h");
    }

    /**
     * A hold lives for its job's deadline plus the hold margin, and the ledger refuses a hold longer
     * than 30 days: past that every accept of the type would fail with an error instead of the start.
     */
    @Test
    void aDeadlineWithTheHoldMarginFitsTheLedgersLongestHold() {
        refused(P, T, "renderbank.jobs.deadline.video", "30d");
        refused(P, T, "renderbank.jobs.hold-margin", "30d");
        accepted(P, T, "renderbank.jobs.deadline.video", "29d", "renderbank.jobs.hold-margin", "1d");
    }

    /** A negative cooldown means nothing; zero is no cooldown. */
    @Test
    void cooldownsAreZeroOrMore() {
        refused(P, T, "renderbank.limits.cooldown.image", "-1s");
        refused(P, T, "renderbank.limits.cooldown.video", "-3m");
        accepted(P, T, "renderbank.limits.cooldown.image", "0s");
    }

    /** A negative cap means nothing; zero disables the cap (as documented). */
    @Test
    void inFlightLimitsAreZeroOrMore() {
        refused(P, T, "renderbank.limits.in-flight.image", "-1");
        refused(P, T, "renderbank.limits.in-flight.video", "-2");
        accepted(P, T, "renderbank.limits.in-flight.image", "0");
    }
}

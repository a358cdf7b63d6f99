package dev.renderbank.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Real time plus an offset tests can move forward, or, after {@link #freeze()}, a time that moves
 * only when the test moves it (for a rule about a wait that must not depend on how fast the machine
 * runs the steps before it); {@link #reset()} after each test.
 */
public class SettableClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    private volatile Instant frozenAt;

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    /**
     * Stops the clock at the current instant, in whole microseconds: from now on it moves only by
     * {@link #advance}. PostgreSQL keeps microseconds and rounds the rest, so a time stopped between
     * two microseconds could be stored up to half a microsecond later than the test's clock reads,
     * and "a second later" would then still be a hair before a stored "now + 1 s".
     */
    public void freeze() {
        frozenAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    public void reset() {
        frozenAt = null;
        offset = Duration.ZERO;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        Instant frozen = frozenAt;
        return (frozen != null ? frozen : Instant.now()).plus(offset);
    }
}

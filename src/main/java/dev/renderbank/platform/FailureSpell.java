package dev.renderbank.platform;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A spell of failures of one kind of call on this node (the provider's, the asset store's writes): from
 * the first failure after a success, once it lasts {@code alertAfter}, it raises its {@code failing}
 * alert; the first success after it ends the spell with its {@code recovered} alert.
 *
 * <p>The spell lives in node memory and in the alert store ({@link OperatorAlerts#raiseSpell}): of
 * several nodes failing at once the first past the threshold raises it and the others find it raised;
 * the first to succeed ends it. The first success after a start ends a spell left open by a node that
 * stopped meanwhile. A node whose calls still fail asks again once per threshold, so a spell another
 * node ended is raised again by the node still cut off. A success that comes while this node is storing
 * the alert ends it once it is stored (ended before, it found nothing to end, and the stored alert
 * stayed open with no node left to end it). Nothing touches the database on the way of a call but the
 * alert itself, its end, and the first success after a failure of a node that tried to raise it.
 */
public final class FailureSpell {

    private static final Logger log = LoggerFactory.getLogger(FailureSpell.class);

    private final OperatorAlerts alerts;
    private final Clock clock;
    private final Duration alertAfter;
    private final AlertKind failing;
    private final AlertKind recovered;

    private Instant failingSince;
    private String lastError;
    /** When this node last asked the store to raise the spell (null: not in this spell). */
    private Instant raiseTriedAt;

    private boolean mayEndSpell = true;

    /** Held while this node stores or ends the spell, taken by a raise before it leaves the monitor. */
    private final ReentrantLock spell = new ReentrantLock();

    public FailureSpell(
            OperatorAlerts alerts, Clock clock, Duration alertAfter, AlertKind failing, AlertKind recovered) {
        this.alerts = alerts;
        this.clock = clock;
        this.alertAfter = alertAfter;
        this.failing = failing;
        this.recovered = recovered;
    }

    /**
     * A call failed with {@code error}; {@code message} words the alert from the spell's start and now,
     * when it is raised.
     */
    public void failed(String error, BiFunction<Instant, Instant, String> message) {
        Instant now = clock.instant();
        Instant since;
        synchronized (this) {
            if (failingSince == null) {
                failingSince = now;
            }
            lastError = error;
            if (Duration.between(failingSince, now).compareTo(alertAfter) < 0
                    || raiseTriedAt != null
                            && Duration.between(raiseTriedAt, now).compareTo(alertAfter) < 0) {
                return;
            }
            raiseTriedAt = now;
            mayEndSpell = true;
            since = failingSince;
            spell.lock();
        }
        boolean stored = false;
        try {
            alerts.raiseSpell(failing, message.apply(since, now));
            stored = true;
        } catch (RuntimeException e) {
            // the database is down too: tried again at the next failure
            log.warn(
                    "The {} alert could not be recorded ({}); tried again at the next failure",
                    failing.code(),
                    e.toString());
        } finally {
            spell.unlock();
        }
        if (!stored) {
            synchronized (this) {
                raiseTriedAt = null;
            }
        }
    }

    /**
     * A call succeeded; {@code message} words the recovery from the spell's start (null when this node
     * saw no failure) and now, when a spell is ended.
     */
    public void succeeded(BiFunction<Instant, Instant, String> message) {
        Instant since;
        synchronized (this) {
            since = failingSince;
            failingSince = null;
            raiseTriedAt = null;
            if (!mayEndSpell) {
                return;
            }
            mayEndSpell = false;
        }
        boolean ended = false;
        spell.lock();
        try {
            alerts.endSpell(failing, recovered, message.apply(since, clock.instant()));
            ended = true;
        } catch (RuntimeException e) {
            log.warn(
                    "The end of a {} spell could not be recorded ({}); tried again at the next success",
                    failing.code(),
                    e.toString());
        } finally {
            spell.unlock();
        }
        if (!ended) {
            synchronized (this) {
                mayEndSpell = true;
            }
        }
    }

    /** Since when this node's calls fail (null while they succeed). */
    public synchronized Instant failingSince() {
        return failingSince;
    }

    public synchronized String lastError() {
        return lastError;
    }
}

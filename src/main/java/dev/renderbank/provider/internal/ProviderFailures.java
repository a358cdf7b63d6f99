package dev.renderbank.provider.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the provider answers this node: every call of {@link KieExchanges} ends here as answered
 * (any answer, a clear refusal included) or failed (no connection, a timeout, a 5xx/455/429, or not
 * sent while the circuit breaker is open). A spell of failures, from the first failure after an
 * answer, that lasts {@code renderbank.provider.kie.failing-alert-after} raises {@code
 * provider.failing}; the first answer after it ends the spell with {@code provider.recovered}. Only the
 * breaker's 5xx and timeouts used to be seen, per node, in the {@code renderbank_provider_circuit_open}
 * gauge: no alert came, while jobs waited and balance checks failed.
 *
 * <p>The spell lives in node memory (what this node's calls got, as the breaker does) and in the
 * alert store ({@link OperatorAlerts#raiseSpell}): of several nodes failing at once the first to
 * pass the threshold raises it and the others find it raised; the first to get an answer ends it. The
 * first answer after a start ends a spell left open by a node that stopped meanwhile. A node whose
 * calls still fail asks again once per threshold, so a spell another node ended is raised again by
 * the node still cut off. Nothing here
 * touches the database on the way of a call but the alert itself, its end, and the first answer after
 * a failed call of a node that tried to raise the alert.
 */
final class ProviderFailures {

    private static final Logger log = LoggerFactory.getLogger(ProviderFailures.class);

    private final OperatorAlerts alerts;
    private final Clock clock;
    private final Duration alertAfter;

    private Instant failingSince;
    private String lastError;
    /**
     * When this node last asked the store to raise the spell (null: not in this spell). It asks again
     * once per threshold while its calls still fail: another node may have ended the spell it found
     * raised, and this node, still cut off, would otherwise stay silent for the rest of its outage.
     */
    private Instant raiseTriedAt;

    private boolean mayEndSpell = true;

    /**
     * Held while this node stores or ends the spell, taken by a raise before it leaves the monitor: an
     * answer that comes while the alert is being stored ends it once stored, not before (its end then
     * found nothing, and the stored alert stayed open with no node left to end it).
     */
    private final ReentrantLock spell = new ReentrantLock();

    ProviderFailures(OperatorAlerts alerts, Clock clock, Duration alertAfter) {
        this.alerts = alerts;
        this.clock = clock;
        this.alertAfter = alertAfter;
    }

    /** For a gateway built outside the application (unit tests): notes nothing, raises nothing. */
    static ProviderFailures ignored() {
        return new ProviderFailures(null, Clock.systemUTC(), Duration.ZERO);
    }

    /** A call got no answer (or was not sent: the breaker is open). */
    void failed(String error) {
        if (alerts == null) {
            return;
        }
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
            alerts.raiseSpell(
                    AlertKind.PROVIDER_FAILING,
                    "Every call to the generation provider has failed for "
                            + Duration.between(since, now).toMinutes() + " min (since " + since + "; the last: "
                            + error + "). Accepted jobs wait (submits are retried, polls go on until their"
                            + " deadline) and balance checks fail. Check the provider's status page and"
                            + " renderbank.provider.kie.*; if it lasts, pause new generations (switch"
                            + " \"generation\": `switches set generation paused --message ...`). Gauge:"
                            + " renderbank_provider_circuit_open (per node).");
            stored = true;
        } catch (RuntimeException e) {
            // the database is down too: tried again at the next failure
            log.warn(
                    "The provider.failing alert could not be recorded ({}); tried again at the next failure",
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

    /** A call got an answer: the provider copes, whatever it said. */
    void answered() {
        if (alerts == null) {
            return;
        }
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
            alerts.endSpell(
                    AlertKind.PROVIDER_FAILING,
                    AlertKind.PROVIDER_RECOVERED,
                    "The generation provider answers again"
                            + (since == null ? "" : " (its calls failed from " + since + " to " + clock.instant() + ")")
                            + ". Waiting jobs are submitted and followed again; resume the \"generation\" switch if"
                            + " you paused it.");
            ended = true;
        } catch (RuntimeException e) {
            log.warn(
                    "The end of a provider.failing spell could not be recorded ({}); tried again at the next answer",
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

    /** Since when this node's calls fail (null while they are answered), for tests and logs. */
    synchronized Instant failingSince() {
        return failingSince;
    }

    synchronized String lastError() {
        return lastError;
    }
}

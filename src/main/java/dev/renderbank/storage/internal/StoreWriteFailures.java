package dev.renderbank.storage.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.OperatorAlerts;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the asset store takes writes on this node. Every failed write counts in {@code
 * renderbank_storage_write_failures_total}; a spell of failures (from the first failure after a
 * stored file) that lasts {@code renderbank.storage.failing-alert-after} raises {@code
 * storage.failing}, once per spell across nodes ({@link OperatorAlerts#raiseSpell}); the next stored
 * file ends it with {@code storage.recovered}. Before, a full disk or an S3 key that lost PutObject
 * made every finished generation retry its copy until its deadline, silently. Like the provider's
 * spell tracker, the spell lives in node memory and the alert store; a node still failing asks again
 * once per threshold, so a spell another node ended is raised again.
 */
final class StoreWriteFailures {

    private static final Logger log = LoggerFactory.getLogger(StoreWriteFailures.class);

    private final OperatorAlerts alerts;
    private final Clock clock;
    private final Duration alertAfter;
    private final Counter failures;

    private Instant failingSince;
    private Instant raiseTriedAt;
    private boolean mayEndSpell = true;

    StoreWriteFailures(OperatorAlerts alerts, Clock clock, Duration alertAfter, Counter failures) {
        this.alerts = alerts;
        this.clock = clock;
        this.alertAfter = alertAfter;
        this.failures = failures;
    }

    /** A write the store itself refused or failed (not the source stream's failure). */
    void failed(String key, String error) {
        failures.increment();
        Instant now = clock.instant();
        Instant since;
        synchronized (this) {
            if (failingSince == null) {
                failingSince = now;
            }
            if (Duration.between(failingSince, now).compareTo(alertAfter) < 0
                    || raiseTriedAt != null
                            && Duration.between(raiseTriedAt, now).compareTo(alertAfter) < 0) {
                return;
            }
            raiseTriedAt = now;
            mayEndSpell = true;
            since = failingSince;
        }
        try {
            alerts.raiseSpell(
                    AlertKind.STORAGE_FAILING,
                    "Every write to the asset store has failed for "
                            + Duration.between(since, now).toMinutes()
                            + " min (since " + since + "; the last, of " + key + ": " + error + ")."
                            + " Finished generations cannot store their results: their copies are retried until"
                            + " each job's deadline, then the job fails and its credits are released. Check the"
                            + " disk (free space, mount) or the bucket and its credentials (s3:PutObject)."
                            + " Counter: renderbank_storage_write_failures_total.");
        } catch (RuntimeException e) {
            log.warn(
                    "The storage.failing alert could not be recorded ({}); tried again at the next failure",
                    e.toString());
            synchronized (this) {
                raiseTriedAt = null;
            }
        }
    }

    /** A file was stored: the store takes writes again. */
    void stored() {
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
        try {
            alerts.endSpell(
                    AlertKind.STORAGE_FAILING,
                    AlertKind.STORAGE_RECOVERED,
                    "The asset store takes writes again"
                            + (since == null ? "" : " (they failed from " + since + " to " + clock.instant() + ")")
                            + ". Results waiting to be copied are stored at their next try.");
        } catch (RuntimeException e) {
            log.warn("The end of a storage.failing spell could not be recorded ({})", e.toString());
            synchronized (this) {
                mayEndSpell = true;
            }
        }
    }
}

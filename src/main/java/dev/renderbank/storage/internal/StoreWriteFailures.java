package dev.renderbank.storage.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.FailureSpell;
import dev.renderbank.platform.OperatorAlerts;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;

/**
 * Whether the asset store takes writes on this node. Every failed write counts in {@code
 * renderbank_storage_write_failures_total}; a spell of failures (from the first failure after a
 * stored file) that lasts {@code renderbank.storage.failing-alert-after} raises {@code
 * storage.failing}, once per spell across nodes ({@link OperatorAlerts#raiseSpell}); the next stored
 * file ends it with {@code storage.recovered}. Before, a full disk or an S3 key that lost PutObject
 * made every finished generation retry its copy until its deadline, silently. The spell is a {@link
 * FailureSpell}, as the provider's: in node memory and the alert store, raised again by a node still
 * failing after another ended it, and ended by a write stored while its alert was being stored.
 */
final class StoreWriteFailures {

    private final FailureSpell spell;
    private final Counter failures;

    StoreWriteFailures(OperatorAlerts alerts, Clock clock, Duration alertAfter, Counter failures) {
        this.spell =
                new FailureSpell(alerts, clock, alertAfter, AlertKind.STORAGE_FAILING, AlertKind.STORAGE_RECOVERED);
        this.failures = failures;
    }

    /** A write the store itself refused or failed (not the source stream's failure). */
    void failed(String key, String error) {
        failures.increment();
        spell.failed(
                error,
                (since, now) -> "Every write to the asset store has failed for "
                        + Duration.between(since, now).toMinutes()
                        + " min (since " + since + "; the last, of " + key + ": " + error + ")."
                        + " Finished generations cannot store their results: their copies are retried until"
                        + " each job's deadline, then the job fails and its credits are released. Check the"
                        + " disk (free space, mount) or the bucket and its credentials (s3:PutObject)."
                        + " Counter: renderbank_storage_write_failures_total.");
    }

    /** A file was stored: the store takes writes again. */
    void stored() {
        spell.succeeded((since, now) -> "The asset store takes writes again"
                + (since == null ? "" : " (they failed from " + since + " to " + now + ")")
                + ". Results waiting to be copied are stored at their next try.");
    }
}

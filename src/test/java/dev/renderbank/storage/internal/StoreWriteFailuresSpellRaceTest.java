package dev.renderbank.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.platform.SpellRecordingAlerts;
import dev.renderbank.support.SettableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A file stored while this node is storing the storage.failing alert ends the spell once the alert is
 * stored, as the provider's spell does: ended before, it found nothing to end, and the stored alert
 * stayed open with no node left to end it (the storage tracker was a copy of the provider's without
 * its lock).
 */
class StoreWriteFailuresSpellRaceTest {

    @Test
    void aWriteStoredWhileTheAlertIsBeingStoredEndsTheSpellOnceItIsStored() throws Exception {
        SettableClock clock = new SettableClock();
        SpellRecordingAlerts alerts = new SpellRecordingAlerts();
        StoreWriteFailures failures = new StoreWriteFailures(
                alerts, clock, Duration.ofMinutes(5), new SimpleMeterRegistry().counter("failures"));
        failures.stored(); // the first success after a start ends a spell left open: none here
        alerts.events.clear();

        failures.failed("jobs/1/a.png", "disk full");
        clock.advance(Duration.ofMinutes(6));
        alerts.holdRaises();
        CompletableFuture<Void> raising =
                CompletableFuture.runAsync(() -> failures.failed("jobs/1/b.png", "disk full"));
        assertThat(alerts.awaitRaiseAsked()).isTrue();

        Thread storing = new Thread(failures::stored, "stored-during-raise");
        storing.start();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> storing.getState() == Thread.State.TERMINATED
                        || storing.getState() == Thread.State.WAITING
                        || storing.getState() == Thread.State.BLOCKED);
        alerts.releaseRaises();
        raising.get(10, TimeUnit.SECONDS);
        storing.join(10_000);
        assertThat(storing.isAlive()).isFalse();

        assertThat(alerts.spellOpen())
                .as("the spell the stored file came after is ended: %s", alerts.events)
                .isFalse();
        assertThat(alerts.events).containsSubsequence("raised storage.failing", "ended storage.failing");
    }
}

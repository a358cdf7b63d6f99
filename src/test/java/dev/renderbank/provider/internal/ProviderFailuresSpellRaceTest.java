package dev.renderbank.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.platform.SpellRecordingAlerts;
import dev.renderbank.support.SettableClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * An answer that comes while this node is storing the provider.failing alert (a breaker's half-open
 * probe answered, another thread's call) must still end the spell once the alert is stored: ended
 * before the alert was stored, it found nothing to end, and the stored alert stayed open with no node
 * left to end it, so the next outage raised nothing (its raise found the spell open).
 */
class ProviderFailuresSpellRaceTest {

    @Test
    void anAnswerWhileTheAlertIsBeingStoredEndsTheSpellOnceItIsStored() throws Exception {
        SettableClock clock = new SettableClock();
        SpellRecordingAlerts alerts = new SpellRecordingAlerts();
        ProviderFailures failures = new ProviderFailures(alerts, clock, Duration.ofMinutes(10));

        failures.failed("timeout");
        clock.advance(Duration.ofMinutes(11));
        alerts.holdRaises();
        CompletableFuture<Void> raising = CompletableFuture.runAsync(() -> failures.failed("timeout"));
        assertThat(alerts.awaitRaiseAsked()).isTrue();

        Thread answering = new Thread(failures::answered, "answer-during-raise");
        answering.start();
        // the answer has been dealt with, or waits (for the raise to be stored)
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> answering.getState() == Thread.State.TERMINATED
                        || answering.getState() == Thread.State.WAITING
                        || answering.getState() == Thread.State.BLOCKED);
        alerts.releaseRaises();
        raising.get(10, TimeUnit.SECONDS);
        answering.join(10_000);
        assertThat(answering.isAlive()).isFalse();

        assertThat(alerts.spellOpen())
                .as("the spell the answer came after is ended: %s", alerts.events)
                .isFalse();
        assertThat(alerts.events).containsSubsequence("raised provider.failing", "ended provider.failing");
    }
}

package dev.renderbank.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.platform.SpellRecordingAlerts;
import dev.renderbank.support.SettableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Two nodes share one alert store. When one node's calls are answered again it ends the spell; a
 * node whose calls still fail must raise provider.failing again after the threshold, not stay silent
 * for the rest of its outage because it once found the spell raised by the other node.
 */
class ProviderFailuresTwoNodesTest {

    private static final Duration AFTER = Duration.ofMinutes(10);

    @Test
    void aNodeStillFailingRaisesAgainAfterAnotherNodeEndedTheSpell() {
        SettableClock clock = new SettableClock();
        SpellRecordingAlerts alerts = new SpellRecordingAlerts();
        ProviderFailures a = new ProviderFailures(alerts, clock, AFTER);
        ProviderFailures b = new ProviderFailures(alerts, clock, AFTER);

        a.failed("timeout");
        b.failed("timeout");
        clock.advance(Duration.ofMinutes(11));
        a.failed("timeout");
        b.failed("timeout");
        assertThat(alerts.events).containsExactly("raised provider.failing");

        a.answered();
        assertThat(alerts.spellOpen()).isFalse();

        clock.advance(Duration.ofMinutes(5));
        b.failed("timeout");
        assertThat(alerts.spellOpen())
                .as("not before the threshold has passed again: %s", alerts.events)
                .isFalse();
        clock.advance(Duration.ofMinutes(6));
        b.failed("timeout");
        assertThat(alerts.spellOpen())
                .as("node b still fails 11 minutes after a's answer ended the spell: %s", alerts.events)
                .isTrue();
        assertThat(alerts.events)
                .containsExactly("raised provider.failing", "ended provider.failing", "raised provider.failing");
    }

    @Test
    void aNodeThatFoundTheSpellRaisedAsksTheStoreAtMostOncePerThreshold() {
        SettableClock clock = new SettableClock();
        SpellRecordingAlerts alerts = new SpellRecordingAlerts();
        ProviderFailures a = new ProviderFailures(alerts, clock, AFTER);
        ProviderFailures b = new ProviderFailures(alerts, clock, AFTER);

        a.failed("timeout");
        b.failed("timeout");
        clock.advance(Duration.ofMinutes(11));
        a.failed("timeout");
        for (int i = 0; i < 100; i++) {
            b.failed("timeout");
            clock.advance(Duration.ofSeconds(1));
        }
        // a raised once, b asked once at its threshold and found it raised; 100 s is under the threshold
        assertThat(alerts.raisesAsked).hasValue(2);
    }
}

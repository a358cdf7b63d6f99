package dev.renderbank.provider.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.platform.ProcessRole;
import dev.renderbank.platform.SpellRecordingAlerts;
import dev.renderbank.support.SettableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A command's calls to KIE go out from an operator's shell: they neither raise nor end the
 * provider.failing spell the nodes share (its own key or network says nothing of theirs).
 */
class CommandLineProviderFailuresTest {

    private static final Duration AFTER = Duration.ofMinutes(10);

    @Test
    void aCommandNeitherRaisesNorEndsTheNodesSpell() {
        SettableClock clock = new SettableClock();
        SpellRecordingAlerts alerts = new SpellRecordingAlerts();
        ProviderFailures node = ProviderConfig.failures(ProcessRole.SERVICE, alerts, clock, AFTER);
        ProviderFailures command = ProviderConfig.failures(ProcessRole.COMMAND_LINE, alerts, clock, AFTER);

        node.failed("timeout");
        command.failed("timeout");
        clock.advance(Duration.ofMinutes(11));
        command.failed("timeout");
        assertThat(alerts.events).as("a command's failures raise nothing").isEmpty();
        node.failed("timeout");
        assertThat(alerts.events).containsExactly("raised provider.failing");

        command.answered();
        assertThat(alerts.spellOpen())
                .as("a command answered does not end the nodes' spell: %s", alerts.events)
                .isTrue();
        node.answered();
        assertThat(alerts.spellOpen()).isFalse();
    }
}

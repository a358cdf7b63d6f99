package dev.renderbank.provider.internal;

import dev.renderbank.platform.AlertKind;
import dev.renderbank.platform.FailureSpell;
import dev.renderbank.platform.OperatorAlerts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

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
 * alert store, as {@link FailureSpell} keeps it (several nodes, a spell another node ended, an answer
 * while the alert is being stored).
 */
final class ProviderFailures {

    /** Null for a gateway built outside the application, and in a command: notes nothing. */
    private final FailureSpell spell;

    ProviderFailures(OperatorAlerts alerts, Clock clock, Duration alertAfter) {
        this.spell = alerts == null
                ? null
                : new FailureSpell(alerts, clock, alertAfter, AlertKind.PROVIDER_FAILING, AlertKind.PROVIDER_RECOVERED);
    }

    /** For a gateway built outside the application (unit tests) or a command: notes nothing, raises nothing. */
    static ProviderFailures ignored() {
        return new ProviderFailures(null, Clock.systemUTC(), Duration.ZERO);
    }

    /** A call got no answer (or was not sent: the breaker is open). */
    void failed(String error) {
        if (spell == null) {
            return;
        }
        spell.failed(
                error,
                (since, now) -> "Every call to the generation provider has failed for "
                        + Duration.between(since, now).toMinutes() + " min (since " + since + "; the last: "
                        + error + "). Accepted jobs wait (submits are retried, polls go on until their"
                        + " deadline) and balance checks fail. Check the provider's status page and"
                        + " renderbank.provider.kie.*; if it lasts, pause new generations (switch"
                        + " \"generation\": `switches set generation paused --message ...`). Gauge:"
                        + " renderbank_provider_circuit_open (per node).");
    }

    /** A call got an answer: the provider copes, whatever it said. */
    void answered() {
        if (spell == null) {
            return;
        }
        spell.succeeded((since, now) -> "The generation provider answers again"
                + (since == null ? "" : " (its calls failed from " + since + " to " + now + ")")
                + ". Waiting jobs are submitted and followed again; resume the \"generation\" switch if"
                + " you paused it.");
    }

    /** Since when this node's calls fail (null while they are answered), for tests and logs. */
    Instant failingSince() {
        return spell == null ? null : spell.failingSince();
    }

    String lastError() {
        return spell == null ? null : spell.lastError();
    }
}

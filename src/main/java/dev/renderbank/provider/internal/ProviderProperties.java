package dev.renderbank.provider.internal;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.StringUtils;
import org.springframework.validation.annotation.Validated;

/**
 * The upstream provider. With no {@code kie.api-key} the built-in simulator (served by this same
 * process under {@code /sim/kie}) stands in for KIE.ai, so a default run is real HTTP end to end.
 */
@Validated
@ConfigurationProperties("renderbank.provider")
public record ProviderProperties(
        @DefaultValue @Valid Kie kie, @DefaultValue @Valid Balance balance) {

    /**
     * @param apiKey KIE.ai key, from the environment only; unset means "use the simulator"
     * @param webhookHmacKey when set, callbacks must carry a valid X-Webhook-Signature
     * @param readTimeout the longest pause between two bytes of an answer, not the whole answer
     * @param totalTimeout the longest one call may take from its start (the wait for a pooled
     *     connection, the connect, the whole answer): a provider or proxy that drips its answer a byte
     *     at a time within each read timeout is cut off here. Unset: {@link #defaultTotalTimeout}, the
     *     longest a call whose answer comes in one read could take anyway
     * @param failingAlertAfter how long every call to the provider may fail (no connection, timeouts,
     *     5xx, the circuit breaker open) before operators are alerted ({@code provider.failing}, once per
     *     spell; {@code provider.recovered} at the next answer)
     */
    public record Kie(
            @DefaultValue("https://api.kie.ai") @NotNull URI baseUrl,
            String apiKey,
            String webhookHmacKey,
            @DefaultValue("5s") @NotNull Duration connectTimeout,
            @DefaultValue("30s") @NotNull Duration readTimeout,
            Duration totalTimeout,
            @DefaultValue("10m") @NotNull Duration failingAlertAfter) {

        public Kie {
            positive(connectTimeout, "kie.connect-timeout");
            positive(readTimeout, "kie.read-timeout");
            positive(totalTimeout, "kie.total-timeout");
            positive(failingAlertAfter, "kie.failing-alert-after");
            if (totalTimeout == null && connectTimeout != null && readTimeout != null) {
                totalTimeout = defaultTotalTimeout(connectTimeout, readTimeout);
            }
        }

        /**
         * 2 x connect + read (40 s by default): a pooled connection and the connect (each up to the
         * connect timeout), then an answer in one read. No call that ends under the other two timeouts
         * without dripping is cut, and a submit's time limit (which the job driver waits out before it
         * takes a started submit for interrupted) stays what it was before this bound existed.
         */
        public static Duration defaultTotalTimeout(Duration connectTimeout, Duration readTimeout) {
            return connectTimeout.multipliedBy(2).plus(readTimeout);
        }

        public boolean simulated() {
            return !StringUtils.hasText(apiKey);
        }
    }

    /**
     * @param checkInterval how often the balance monitor reads the provider's credits
     * @param lowThreshold below this (provider credits) operators get a low-balance alert
     * @param recheckInterval while exhausted or unauthorized, how often the balance is read to clear it
     * @param resumeThreshold a balance check below this trips the exhausted state; it clears only at a
     *     balance of at least this, at least the cost of the task the provider refused (task-costs), and
     *     above the balance last read when the provider refused (so a refusal whose cost is not known
     *     waits for a top-up instead of being tried again on the same balance)
     * @param taskCosts provider credits one task of a provider model costs at most (its dearest option),
     *     by the model name sent to createTask ({@code sora-2-pro-text-to-video}; names with a dot or a
     *     slash in brackets); for a model not named here only the resume threshold and the balance at the
     *     refusal apply. With the
     *     built-in simulator its own prices apply to the models not named here
     * @param unknownAlertAfter how long the balance checks may keep failing before operators are alerted
     *     ({@code provider.balance.unknown}, once per spell; {@code provider.balance.known} when a check
     *     reads it again)
     */
    public record Balance(
            @DefaultValue("5m") @NotNull Duration checkInterval,
            @DefaultValue("2000") @PositiveOrZero long lowThreshold,
            @DefaultValue("1m") @NotNull Duration recheckInterval,
            @DefaultValue("1") @PositiveOrZero long resumeThreshold,
            Map<String, @Positive Long> taskCosts,
            @DefaultValue("30m") @NotNull Duration unknownAlertAfter) {

        /** Zero: the provider's balance is read without pause. */
        public Balance {
            positive(checkInterval, "balance.check-interval");
            positive(recheckInterval, "balance.recheck-interval");
            positive(unknownAlertAfter, "balance.unknown-alert-after");
            taskCosts = taskCosts == null ? Map.of() : Map.copyOf(taskCosts);
        }
    }

    private static void positive(Duration d, String key) {
        if (d != null && (d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("renderbank.provider." + key + " must be positive (was " + d + ")");
        }
    }
}

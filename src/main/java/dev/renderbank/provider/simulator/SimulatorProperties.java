package dev.renderbank.provider.simulator;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The built-in KIE simulator (active while {@code renderbank.provider.kie.api-key} is unset). All
 * of these can also be changed at run time through {@link KieSimulator}'s setters.
 *
 * @param failureRate share of new tasks that fail (decided when the task is created)
 * @param outOfCredits when true, createTask answers 402 "insufficient credits"
 * @param balance the simulated provider account's starting credits (set on first start)
 * @param callbackInterval how often finished tasks' callbacks are looked for and sent
 * @param faults injected faults ({@link SimulatorFaults}), all off unless configured
 * @param port 0: served on the app's own port; otherwise the simulator is called on this port, a
 *     connector of its own with its own request threads (so provider calls never take the threads
 *     that serve the API, as with a real provider)
 * @param threads request threads of that connector
 * @param apiKey the bearer key the simulator accepts; unset (the default), each start draws a random
 *     one that only this process knows, which is all the app needs to call its own simulator. Set it
 *     (from the environment, {@code RENDERBANK_SIMULATOR_API_KEY}) when another process is to call
 *     this one's simulator as its provider: bench/generate runs a second renderbank as the provider,
 *     so the benchmarked process holds none of the simulator's work. At least 24 characters, no
 *     spaces. The simulator itself still runs only without a KIE key, and never in {@code prod}
 *     unless allowed ({@link SimulatorProductionCheck})
 */
@Validated
@ConfigurationProperties("renderbank.simulator")
public record SimulatorProperties(
        @DefaultValue("5s") @NotNull Duration imageDuration,
        @DefaultValue("30s") @NotNull Duration videoDuration,
        @DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double failureRate,
        @DefaultValue("false") boolean outOfCredits,
        @DefaultValue("100000") @PositiveOrZero long balance,
        @DefaultValue("1s") @NotNull Duration callbackInterval,

        @DefaultValue @NotNull @Valid @NestedConfigurationProperty
        SimulatorFaults faults,

        @DefaultValue("0") @PositiveOrZero @Max(65535) int port,
        @DefaultValue("16") @Positive int threads,
        String apiKey) {

    static final int MIN_API_KEY_LENGTH = 24;

    public SimulatorProperties {
        if (callbackInterval != null && (callbackInterval.isNegative() || callbackInterval.isZero())) {
            throw new IllegalArgumentException(
                    "renderbank.simulator.callback-interval must be positive (was " + callbackInterval + ")");
        }
        if (imageDuration != null && imageDuration.isNegative()) {
            throw new IllegalArgumentException(
                    "renderbank.simulator.image-duration must be 0 or more (was " + imageDuration + ")");
        }
        if (videoDuration != null && videoDuration.isNegative()) {
            throw new IllegalArgumentException(
                    "renderbank.simulator.video-duration must be 0 or more (was " + videoDuration + ")");
        }
        if (apiKey != null
                && (apiKey.length() < MIN_API_KEY_LENGTH || apiKey.chars().anyMatch(Character::isWhitespace))) {
            throw new IllegalArgumentException("renderbank.simulator.api-key must be at least " + MIN_API_KEY_LENGTH
                    + " characters without spaces (or unset for a random key per start)");
        }
    }
}

package dev.renderbank.provider.simulator;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Faults the simulator injects, for fault tests of the whole application (the bank test in
 * bench/bank): each rate is the share of calls that go wrong that way, decided per call. They
 * exist only where the simulator does (no KIE key; refused in {@code prod} by {@link
 * SimulatorProductionCheck}), so a real provider is never affected. All off by default.
 *
 * @param submitErrorRate createTask answers 500 and creates nothing
 * @param submitTimeoutRate createTask creates the task, then answers only after {@code submitDelay}
 *     (longer than the gateway's read timeout, so the app does not learn the task id)
 * @param submitDelay how long such a slow createTask keeps the caller waiting
 * @param outOfCreditsRate createTask answers 402 "insufficient credits" and creates nothing
 * @param duplicateCallbackRate a delivered callback is sent a second time
 * @param callbackDelayMax each task's callback is held back by a random time up to this after the
 *     task finished (late callbacks, arriving in another order than the tasks finished)
 * @param downloadFailureRate a result file download answers 500
 */
public record SimulatorFaults(
        @DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double submitErrorRate,
        @DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double submitTimeoutRate,
        @DefaultValue("40s") @NotNull Duration submitDelay,
        @DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double outOfCreditsRate,
        @DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double duplicateCallbackRate,
        @DefaultValue("0s") @NotNull Duration callbackDelayMax,
        @DefaultValue("0") @DecimalMin("0") @DecimalMax("1") double downloadFailureRate) {

    public static final SimulatorFaults NONE =
            new SimulatorFaults(0, 0, Duration.ofSeconds(40), 0, 0, Duration.ZERO, 0);

    public SimulatorFaults {
        for (double rate : new double[] {
            submitErrorRate, submitTimeoutRate, outOfCreditsRate, duplicateCallbackRate, downloadFailureRate
        }) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("fault rates must be between 0 and 1");
            }
        }
        if (submitDelay == null
                || submitDelay.isNegative()
                || callbackDelayMax == null
                || callbackDelayMax.isNegative()) {
            throw new IllegalArgumentException("fault delays must not be negative");
        }
    }

    /** What one createTask call does, decided now. */
    Submit submit() {
        double roll = ThreadLocalRandom.current().nextDouble();
        if (roll < submitErrorRate) {
            return Submit.ERROR;
        }
        roll -= submitErrorRate;
        if (roll < outOfCreditsRate) {
            return Submit.OUT_OF_CREDITS;
        }
        roll -= outOfCreditsRate;
        return roll < submitTimeoutRate ? Submit.SLOW : Submit.NORMAL;
    }

    /** How long after finishing this task's callback becomes due. */
    Duration callbackDelay() {
        long max = callbackDelayMax.toMillis();
        return max <= 0
                ? Duration.ZERO
                : Duration.ofMillis(ThreadLocalRandom.current().nextLong(max + 1));
    }

    boolean duplicateCallback() {
        return ThreadLocalRandom.current().nextDouble() < duplicateCallbackRate;
    }

    boolean downloadFails() {
        return ThreadLocalRandom.current().nextDouble() < downloadFailureRate;
    }

    enum Submit {
        NORMAL,
        ERROR,
        OUT_OF_CREDITS,
        SLOW
    }
}

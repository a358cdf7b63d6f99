package dev.renderbank.generation.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * What operators read of finished jobs: each finish counted once in {@code renderbank.jobs.finished}
 * (success rate per model, failure reasons), and its time from acceptance in {@code
 * renderbank.jobs.time-to-finish}. Called by {@link JobFinisher} after a finish it won.
 */
@Component
class FinishMeters {

    private final MeterRegistry meters;
    private final Clock clock;

    FinishMeters(MeterRegistry meters, Clock clock) {
        this.meters = meters;
        this.clock = clock;
    }

    /** One finish of {@code job}: {@code outcome} succeeded, failed, cancelled or late_delivery. */
    void count(Job job, String outcome, String reason) {
        meters.counter(
                        "renderbank.jobs.finished",
                        "type",
                        job.type().label(),
                        "model",
                        job.model(),
                        "outcome",
                        outcome,
                        "reason",
                        reason)
                .increment();
        if (!outcome.equals("cancelled") && !outcome.equals("late_delivery")) {
            Timer.builder("renderbank.jobs.time-to-finish")
                    .description("From acceptance to success or failure, per model")
                    .tags("type", job.type().label(), "model", job.model(), "outcome", outcome)
                    .publishPercentileHistogram()
                    .register(meters)
                    .record(Duration.between(job.createdAt(), clock.instant()));
        }
    }
}

package dev.renderbank.generation.internal;

import dev.renderbank.catalog.AssetType;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/** When to look at a job again, and how far along it probably is: pure arithmetic, no I/O. */
final class PollTiming {

    private PollTiming() {}

    /** Poll often at first and less as the job ages: a quarter of its age, within the bounds. */
    static Duration pollDelay(Job job, Instant now, Duration first, Duration max) {
        Instant since = job.submittedAt() == null ? job.createdAt() : job.submittedAt();
        Duration quarter = Duration.between(since, now).dividedBy(4);
        return quarter.compareTo(first) < 0 ? first : quarter.compareTo(max) > 0 ? max : quarter;
    }

    /** Without a provider figure, progress follows the typical duration of the asset type, capped at 95. */
    static int estimateProgress(Job job, Instant now) {
        Duration typical = job.type() == AssetType.VIDEO ? Duration.ofMinutes(8) : Duration.ofSeconds(20);
        Instant since = job.submittedAt() == null ? job.createdAt() : job.submittedAt();
        long pct = 5 + Duration.between(since, now).toMillis() * 90 / typical.toMillis();
        return (int) Math.min(95, pct);
    }

    /** Capped exponential backoff with full jitter. */
    static Duration backoff(int attempt, Duration cap) {
        long base = 2_000L << Math.min(attempt, 16);
        long capped = Math.min(base, cap.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}

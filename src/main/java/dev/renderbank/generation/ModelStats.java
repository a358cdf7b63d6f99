package dev.renderbank.generation;

/**
 * Jobs of one model finished in a window: how many, how many succeeded, and the 50th/95th percentile
 * of the time from acceptance to success in seconds (null when none succeeded).
 */
public record ModelStats(String model, long finished, long succeeded, Double p50Seconds, Double p95Seconds) {

    public double successRate() {
        return finished == 0 ? 0 : (double) succeeded / finished;
    }

    /** Success rate in whole percent, for meters and tables. */
    public long successPercent() {
        return Math.round(successRate() * 100);
    }
}

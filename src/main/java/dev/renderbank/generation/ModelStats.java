package dev.renderbank.generation;

/**
 * Jobs of one model finished in a window: how many, how many of them ended by their owner (cancelled
 * before the provider saw them, or failed because the account was deleted), how many succeeded, and
 * the 50th/95th percentile of the time from acceptance to success in seconds (null when none
 * succeeded). The success rate is of the jobs the owner let run: a cancel or a deletion is not a
 * failure of the model or the provider.
 */
public record ModelStats(
        String model, long finished, long endedByOwner, long succeeded, Double p50Seconds, Double p95Seconds) {

    /** Finished jobs that did not end by their owner: what the success rate is a share of. */
    public long counted() {
        return finished - endedByOwner;
    }

    public double successRate() {
        return counted() <= 0 ? 0 : (double) succeeded / counted();
    }

    /** Success rate in whole percent, for meters and tables. */
    public long successPercent() {
        return Math.round(successRate() * 100);
    }
}

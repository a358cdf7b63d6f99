package dev.renderbank.generation;

import dev.renderbank.catalog.AssetType;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Limits and timings of generation jobs; see CONTRACT.md for the keys. */
@ConfigurationProperties("renderbank")
public record GenerationProperties(
        @DefaultValue Limits limits, @DefaultValue Jobs jobs) {

    public record Limits(
            @DefaultValue PerType cooldown, @DefaultValue InFlight inFlight) {}

    public record PerType(
            @DefaultValue("3m") Duration image,
            @DefaultValue("3m") Duration video) {
        public Duration of(AssetType type) {
            return type == AssetType.IMAGE ? image : video;
        }
    }

    public record InFlight(
            @DefaultValue("2") int image, @DefaultValue("1") int video) {
        public int of(AssetType type) {
            return type == AssetType.IMAGE ? image : video;
        }
    }

    /**
     * {@code deadline}: after this a job fails and releases. {@code firstPoll}/{@code maxPoll}:
     * polling backoff bounds (callbacks usually arrive first). {@code holdMargin}: how long a hold
     * outlives its job's deadline, so only a lost job ever lets it expire.
     */
    public record Jobs(
            @DefaultValue DeadlinePerType deadline,
            @DefaultValue("2s") Duration firstPoll,
            @DefaultValue("60s") Duration maxPoll,
            @DefaultValue("5m") Duration maxSubmitBackoff,
            @DefaultValue("1h") Duration holdMargin,
            @DefaultValue("30s") Duration sweepInterval) {}

    public record DeadlinePerType(
            @DefaultValue("15m") Duration image,
            @DefaultValue("45m") Duration video) {
        public Duration of(AssetType type) {
            return type == AssetType.IMAGE ? image : video;
        }
    }
}

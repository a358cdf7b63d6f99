package dev.renderbank.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.catalog.AssetType;
import dev.renderbank.generation.JobOptions;
import dev.renderbank.generation.JobState;
import dev.renderbank.generation.JobView;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A running creation's label on the pages is the status the API gives it and the creations filter
 * lists it under: "Queued" for queued (reserved, or submitted and waiting at the provider),
 * "Processing" for processing. A submitted job was labelled "Processing" but listed only under the
 * "Queued" filter.
 */
class CreationStatusTest {

    @ParameterizedTest
    @EnumSource(
            value = JobState.class,
            names = {"RESERVED", "SUBMITTED", "RUNNING", "UNKNOWN"})
    void aRunningCreationsLabelIsItsApiStatus(JobState state) {
        Instant now = Instant.parse("2026-12-06T00:00:00Z");
        JobView job = new JobView(
                "gen_1",
                1,
                AssetType.IMAGE,
                "nano-banana",
                state,
                10,
                5,
                0,
                null,
                null,
                null,
                false,
                1,
                now,
                null,
                now.plusSeconds(900),
                false,
                "a fox",
                JobOptions.NONE,
                null);

        CreationStatus status = CreationStatus.of(job);

        assertThat(status.label().toLowerCase()).isEqualTo(state.status());
        assertThat(CreationPages.STATUSES).contains(state.status());
        assertThat(status.running()).isTrue();
    }
}

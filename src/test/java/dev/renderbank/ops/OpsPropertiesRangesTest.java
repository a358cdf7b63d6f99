package dev.renderbank.ops;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.bind;
import static dev.renderbank.support.PropertyRanges.refused;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A daily cap below the single-grant cap makes every grant between the two impossible, refused as
 * "over today's limit" although no operator granted anything yet: the start is stopped instead,
 * naming both keys.
 */
class OpsPropertiesRangesTest {

    static final String PREFIX = "renderbank.ops";

    @Test
    void theDailyCapIsAtLeastTheSingleGrantCap() {
        refused(
                PREFIX,
                OpsProperties.class,
                "renderbank.ops.max-grant-per-day",
                "5000",
                "renderbank.ops.max-grant",
                "10000");
        // the default single-grant cap (10000) above a configured daily one
        refused(PREFIX, OpsProperties.class, "renderbank.ops.max-grant-per-day", "9999");
        assertThatThrownBy(() -> bind(
                        PREFIX,
                        OpsProperties.class,
                        Map.of("renderbank.ops.max-grant-per-day", "5000", "renderbank.ops.max-grant", "10000")))
                .rootCause()
                .hasMessageContaining("renderbank.ops.max-grant ")
                .hasMessageContaining("renderbank.ops.max-grant-per-day");

        accepted(
                PREFIX,
                OpsProperties.class,
                "renderbank.ops.max-grant-per-day",
                "10000",
                "renderbank.ops.max-grant",
                "10000");
        accepted(PREFIX, OpsProperties.class, "renderbank.ops.max-grant", "100");
    }
}

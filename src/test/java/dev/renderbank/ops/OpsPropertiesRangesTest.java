package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A daily cap below the single-grant cap makes every grant between the two impossible, refused as
 * "over today's limit" although no operator granted anything yet: the start is stopped instead,
 * naming both keys.
 */
class OpsPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(OpsProperties.class);

    @Test
    void theDailyCapIsAtLeastTheSingleGrantCap() {
        R.with("renderbank.ops.max-grant", "10000").refused("renderbank.ops.max-grant-per-day", "5000");
        // the default single-grant cap (10000) above a configured daily one
        R.refused("renderbank.ops.max-grant-per-day", "9999");
        assertThatThrownBy(() ->
                        R.bind(Map.of("renderbank.ops.max-grant-per-day", "5000", "renderbank.ops.max-grant", "10000")))
                .rootCause()
                .hasMessageContaining("renderbank.ops.max-grant ")
                .hasMessageContaining("renderbank.ops.max-grant-per-day");

        R.with("renderbank.ops.max-grant", "10000").accepted("renderbank.ops.max-grant-per-day", "10000");
        R.accepted("renderbank.ops.max-grant", "100");
    }
}

package dev.renderbank.platform;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/**
 * The monitoring wait is positive: zero would answer every health check DOWN and show every gauge read
 * from the database as its last value, without asking it. Refused at start, naming the key.
 */
class MonitoringPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(MonitoringProperties.class);

    @Test
    void theDatabaseWaitIsPositive() {
        R.refused("renderbank.monitoring.database-wait", "0s", "-1s");
        R.accepted("renderbank.monitoring.database-wait", "1ms", "1s", "10s");
    }
}

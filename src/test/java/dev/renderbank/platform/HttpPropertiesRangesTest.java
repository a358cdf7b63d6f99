package dev.renderbank.platform;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/**
 * The body cap is a size: zero or negative refused every request body that states its length (sign-in
 * included) and cut off every other, while the JSON mapper, for which a maximum document length of
 * zero or less means "no limit", parsed documents of any size. Refused at start, naming the key.
 */
class HttpPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(HttpProperties.class);

    @Test
    void theBodyCapIsPositive() {
        R.refused("renderbank.http.max-body", "0", "0B", "-1", "-1MB");
        R.accepted("renderbank.http.max-body", "1B", "1MB", "64MB");
    }
}

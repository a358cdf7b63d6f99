package dev.renderbank.identity;

import dev.renderbank.support.PropertyRanges;
import dev.renderbank.support.PropertyRanges.Ranges;
import org.junit.jupiter.api.Test;

/**
 * The demo user's credits: 0 means the demo users get no grant; a negative amount is refused at
 * start, naming the key (it used to stop the demo seeding with the ledger's bare "amount" error). So
 * is an amount above the ledger's largest single grant (1,000,000,000): the seeding granted it only
 * after creating the demo users, and failed the start with the ledger's message, not naming the key.
 */
class DemoPropertiesRangesTest {

    static final Ranges R = PropertyRanges.of(DemoProperties.class);

    @Test
    void demoCreditsAreZeroOrMore() {
        R.refused("renderbank.demo.credits", "-1", "-1000");
        R.accepted("renderbank.demo.credits", "0", "1000");
    }

    @Test
    void demoCreditsAreAtMostTheLedgersLargestGrant() {
        R.refused("renderbank.demo.credits", "1000000001", "9223372036854775807");
        R.accepted("renderbank.demo.credits", "1000000000");
    }
}

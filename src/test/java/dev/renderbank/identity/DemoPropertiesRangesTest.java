package dev.renderbank.identity;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * The demo user's credits: 0 means the demo users get no grant; a negative amount is refused at
 * start, naming the key (it used to stop the demo seeding with the ledger's bare "amount" error).
 */
class DemoPropertiesRangesTest {

    @Test
    void demoCreditsAreZeroOrMore() {
        refused("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "-1");
        refused("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "-1000");
        accepted("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "0");
        accepted("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "1000");
    }
}

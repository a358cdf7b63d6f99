package dev.renderbank.identity;

import static dev.renderbank.support.PropertyRanges.accepted;
import static dev.renderbank.support.PropertyRanges.refused;

import org.junit.jupiter.api.Test;

/**
 * The demo user's credits: 0 means the demo users get no grant; a negative amount is refused at
 * start, naming the key (it used to stop the demo seeding with the ledger's bare "amount" error). So
 * is an amount above the ledger's largest single grant (1,000,000,000): the seeding granted it only
 * after creating the demo users, and failed the start with the ledger's message, not naming the key.
 */
class DemoPropertiesRangesTest {

    @Test
    void demoCreditsAreZeroOrMore() {
        refused("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "-1");
        refused("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "-1000");
        accepted("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "0");
        accepted("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "1000");
    }

    @Test
    void demoCreditsAreAtMostTheLedgersLargestGrant() {
        refused("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "1000000001");
        refused("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "9223372036854775807");
        accepted("renderbank.demo", DemoProperties.class, "renderbank.demo.credits", "1000000000");
    }
}

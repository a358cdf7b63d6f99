package dev.renderbank.identity;

import dev.renderbank.platform.CreditLimits;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Demo users for a development run; the {@code prod} profile turns them off and refuses the tokens.
 * {@code credits} is granted to the demo user once, when it is seeded: 0 grants nothing, a negative
 * amount or one above the ledger's largest single grant ({@link CreditLimits#MAX_AMOUNT}) is refused
 * at start.
 */
@ConfigurationProperties("renderbank.demo")
public record DemoProperties(
        @DefaultValue("true") boolean enabled,
        String apiToken,
        String adminToken,
        @DefaultValue("1000") long credits) {

    public DemoProperties {
        if (credits < 0) {
            throw new IllegalArgumentException(
                    "renderbank.demo.credits must be 0 or more (0: the demo user gets no credits), was " + credits);
        }
        if (credits > CreditLimits.MAX_AMOUNT) {
            throw new IllegalArgumentException("renderbank.demo.credits must be at most " + CreditLimits.MAX_AMOUNT
                    + " (the ledger's largest single grant), was " + credits);
        }
    }
}

package dev.renderbank.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Demo users for a development run; the {@code prod} profile turns them off and refuses the tokens. */
@ConfigurationProperties("renderbank.demo")
public record DemoProperties(
        @DefaultValue("true") boolean enabled,
        String apiToken,
        String adminToken,
        @DefaultValue("1000") long credits) {}

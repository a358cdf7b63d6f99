package dev.renderbank.ops;

import dev.renderbank.identity.DemoProperties;
import dev.renderbank.support.TypedSwitches;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The demo users are seeded exactly when {@link DemoProperties#enabled()} is true as the application binds it. */
class DemoSeederConditionTest {

    @EnableConfigurationProperties(DemoProperties.class)
    static class Properties {}

    @Test
    void theSeederFollowsTheTypedSwitch() {
        TypedSwitches.beanFollowsTheSwitch(
                "renderbank.demo.enabled",
                "demoSeeder",
                ctx -> ctx.getBean(DemoProperties.class).enabled(),
                Properties.class,
                DemoSeeder.class);
    }
}

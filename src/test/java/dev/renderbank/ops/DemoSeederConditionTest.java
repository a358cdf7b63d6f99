package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.DemoProperties;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The demo users are seeded exactly when {@link DemoProperties#enabled()} is true as the application
 * binds it: {@code on}, {@code yes} and {@code 1} are true there, so they seed too (lazy: the seeder's
 * definition is what is checked, not its run).
 */
class DemoSeederConditionTest {

    @EnableConfigurationProperties(DemoProperties.class)
    static class Properties {}

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withInitializer(
                        ctx -> ctx.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
                .withUserConfiguration(Properties.class, DemoSeeder.class);
    }

    @Test
    void theSeederFollowsTheTypedSwitch() {
        runner().run(ctx -> assertThat(ctx.getBeanFactory().containsBeanDefinition("demoSeeder"))
                .as("unset")
                .isTrue());
        for (String value : List.of("true", "TRUE", "on", "yes", "1", "false", "off", "no", "0")) {
            runner().withPropertyValues("renderbank.demo.enabled=" + value).run(ctx -> {
                boolean bound = ctx.getBean(DemoProperties.class).enabled();
                assertThat(ctx.getBeanFactory().containsBeanDefinition("demoSeeder"))
                        .as("renderbank.demo.enabled=%s binds to %s", value, bound)
                        .isEqualTo(bound);
            });
        }
    }
}

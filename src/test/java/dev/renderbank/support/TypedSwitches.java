package dev.renderbank.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.Predicate;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

/**
 * Checks that a bean guarded by a boolean switch exists exactly when the switch is true as the
 * application binds it ({@code on}, {@code yes}, {@code 1} are true; {@code off}, {@code no},
 * {@code 0} false). Lazy, so only the bean's definition is looked at, nothing is built.
 */
public final class TypedSwitches {

    private static final List<String> VALUES = List.of("true", "TRUE", "on", "yes", "1", "false", "off", "no", "0");

    private TypedSwitches() {}

    /**
     * {@code configurations}: the guarded class and what binds its properties; {@code bound}: the
     * switch as the bound properties read it.
     */
    public static void beanFollowsTheSwitch(
            String key, String beanName, Predicate<ApplicationContext> bound, Class<?>... configurations) {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withInitializer(
                        ctx -> ctx.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
                .withUserConfiguration(configurations);
        runner.run(ctx -> assertThat(ctx.getBeanFactory().containsBeanDefinition(beanName))
                .as("%s unset", key)
                .isTrue());
        for (String value : VALUES) {
            runner.withPropertyValues(key + "=" + value).run(ctx -> {
                boolean on = bound.test(ctx);
                assertThat(ctx.getBeanFactory().containsBeanDefinition(beanName))
                        .as("%s=%s binds to %s", key, value, on)
                        .isEqualTo(on);
            });
        }
    }
}

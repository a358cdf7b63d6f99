package dev.renderbank.ops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.LazyInitializationBeanFactoryPostProcessor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The scheduled reconciliation exists exactly when {@link ReconcileProperties#scheduled()} is true as
 * the application binds it ({@code on}, {@code yes}, {@code 1} included); lazy, so the task's
 * definition is checked without building the reconciliation.
 */
class ReconcileTasksConditionTest {

    @EnableConfigurationProperties(ReconcileProperties.class)
    static class Properties {}

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withInitializer(
                        ctx -> ctx.addBeanFactoryPostProcessor(new LazyInitializationBeanFactoryPostProcessor()))
                .withUserConfiguration(Properties.class, ReconcileTasks.class);
    }

    @Test
    void theScheduledRunFollowsTheTypedSwitch() {
        runner().run(ctx -> assertThat(ctx.getBeanFactory().containsBeanDefinition("opsReconcile"))
                .as("unset")
                .isTrue());
        for (String value : List.of("true", "TRUE", "on", "yes", "1", "false", "off", "no", "0")) {
            runner().withPropertyValues("renderbank.ops.reconcile.scheduled=" + value)
                    .run(ctx -> {
                        boolean bound = ctx.getBean(ReconcileProperties.class).scheduled();
                        assertThat(ctx.getBeanFactory().containsBeanDefinition("opsReconcile"))
                                .as("renderbank.ops.reconcile.scheduled=%s binds to %s", value, bound)
                                .isEqualTo(bound);
                    });
        }
    }
}

package dev.renderbank.ops.reconcile;

import dev.renderbank.support.TypedSwitches;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The reconciliation is scheduled exactly when {@link ReconcileProperties#scheduled()} is true as bound. */
class ReconcileTasksConditionTest {

    @EnableConfigurationProperties(ReconcileProperties.class)
    static class Properties {}

    @Test
    void theScheduledRunFollowsTheTypedSwitch() {
        TypedSwitches.beanFollowsTheSwitch(
                "renderbank.ops.reconcile.scheduled",
                "opsReconcile",
                ctx -> ctx.getBean(ReconcileProperties.class).scheduled(),
                Properties.class,
                ReconcileTasks.class);
    }
}

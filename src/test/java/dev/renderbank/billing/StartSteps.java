package dev.renderbank.billing;

import org.springframework.context.ApplicationContext;

/** Runs billing's start-up steps again, as a node's start does, for tests outside the package. */
public final class StartSteps {

    private StartSteps() {}

    /** The start's queueing of the cancels at the provider that are due; how many were due. */
    public static int queueUnpaidPlanCancels(ApplicationContext context) {
        return context.getBean(UnpaidPlanCancelsAtStart.class).queueDue();
    }
}

package dev.renderbank.billing.creem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A run's Creem calls are shared between the kinds of object it reads: one kind with many objects
 * (hundreds of abandoned checkouts) cannot leave another unread, and a kind needing less leaves the
 * rest to the others.
 */
class CallBudgetTest {

    @Test
    void eachKindIsGuaranteedAnEvenPartAndAKindNeedingLessLeavesTheRestToTheOthers() {
        assertThat(new CallBudget(200).shares(500, 40, 500)).containsExactly(80, 40, 80);
        assertThat(new CallBudget(200).shares(500, 0, 0)).containsExactly(200, 0, 0);
        assertThat(new CallBudget(8).shares(20, 10, 30)).containsExactly(3, 3, 2);
        assertThat(new CallBudget(8).shares(1, 2, 30)).containsExactly(1, 2, 5);
        assertThat(new CallBudget(8).shares(0, 0, 0)).containsExactly(0, 0, 0);
    }

    @Test
    void aKindMayUseWhatTheKindsAfterItDoNotNeedButNotTheirShares() {
        CallBudget budget = new CallBudget(10);
        int[] share = budget.shares(100, 2, 3);
        assertThat(share).containsExactly(5, 2, 3);
        budget.next(share[1] + share[2]);
        int checkouts = 0;
        while (budget.take()) {
            checkouts++;
        }
        assertThat(checkouts).isEqualTo(5);
        assertThat(budget.spent()).isTrue();
        budget.next(share[2]);
        assertThat(budget.take()).isTrue();
        assertThat(budget.take()).isTrue();
        assertThat(budget.take()).as("the refunds' share").isFalse();
        budget.next(0);
        assertThat(budget.take()).isTrue();
        assertThat(budget.takeBeyondShare()).isTrue();
        assertThat(budget.take()).isTrue();
        assertThat(budget.take()).as("none left").isFalse();
        assertThat(budget.takeBeyondShare()).isFalse();
    }
}

package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.dispute;
import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A dispute's opening and its closing (won) delivered at the same moment, on two threads, many
 * times: whichever is processed first, the merchant won, so the user keeps every credit, the
 * purchase is no longer disputed and the yearly plan's next month is granted. That holds too when
 * the closing cannot name the purchase (it can then not queue on its lock): the dispute is recorded
 * once, and whichever of the two finds it recorded meanwhile is rolled back and retried.
 */
class StripeDisputeRaceTest extends BillingIntegrationTest {

    private static final int ROUNDS = 20;

    @Test
    void aDisputeOpenedAndWonAtTheSameMomentLeavesTheYearlyPlanWhole() throws Exception {
        List<UserAccount> buyers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                YearlyPlan plan = yearlyPlan(true);
                UserAccount u = plan.user();
                String pi = plan.paymentIntent();
                String charge = plan.charge();
                assertThat(available(u)).isEqualTo(500);

                String dp = id("dp");
                String opened = dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response", 19900);
                String won = dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won", 19900);
                deliverTogether(pool, opened, won);

                assertThat(available(u)).as("credits after round %d", round).isEqualTo(500);
                assertThat(disputed("stripe", charge))
                        .as("purchase disputed after round %d", round)
                        .isFalse();
                assertThat(disputeStatus("stripe", dp)).isEqualTo("WON");
                buyers.add(u);
            }
        } finally {
            pool.shutdownNow();
        }

        clock.advance(Duration.ofDays(32)); // every plan's second month has started
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() -> assertThat(buyers)
                        .allSatisfy(u -> assertThat(available(u)).isEqualTo(1000)));
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeOpenedAndWonAtTheSameMomentByAClosingThatNamesNoKnownPurchaseTakesNothingInTheEnd() throws Exception {
        List<UserAccount> buyers = new ArrayList<>();
        List<String> disputeIds = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                UserAccount u = newUser();
                String pi = id("pi");
                String charge = id("ch"); // named by no purchase event: only the opening names the purchase (pi)
                stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));

                String dp = id("dp");
                String opened = dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response");
                String won = dispute("charge.dispute.closed", id("evt"), dp, charge, "", "won");
                deliverTogether(pool, opened, won);
                buyers.add(u);
                disputeIds.add(dp);
            }
        } finally {
            pool.shutdownNow();
        }

        clock.advance(Duration.ofSeconds(31)); // an event rolled back is retried
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(buyers).allSatisfy(u -> assertThat(available(u)).isEqualTo(200));
            assertThat(disputeIds)
                    .allSatisfy(dp -> assertThat(disputeStatus("stripe", dp)).isEqualTo("WON"));
        });
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** Delivers the two events at the same moment, one on each of the pool's threads; both are accepted. */
    private void deliverTogether(ExecutorService pool, String first, String second) throws Exception {
        CyclicBarrier together = new CyclicBarrier(2);
        Future<Integer> a = pool.submit(() -> {
            together.await();
            return stripe(first).statusCode();
        });
        Future<Integer> b = pool.submit(() -> {
            together.await();
            return stripe(second).statusCode();
        });
        assertThat(a.get()).isEqualTo(200);
        assertThat(b.get()).isEqualTo(200);
    }
}

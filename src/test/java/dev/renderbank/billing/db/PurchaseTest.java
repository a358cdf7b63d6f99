package dev.renderbank.billing.db;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The share arithmetic of refunds and disputes: what a purchase may keep, and a provider's amount in its own. */
class PurchaseTest {

    /** 200 credits for 990, {@code granted}/{@code clawed} so far, {@code refunded}/{@code disputed} of the charge. */
    private static Purchase pack(long amount, long granted, long clawed, long refunded, long disputed) {
        return new Purchase(
                1,
                "creem:order:o",
                "creem",
                7,
                "pack-200",
                200,
                amount,
                "USD",
                granted,
                clawed,
                refunded,
                disputed,
                disputed > 0);
    }

    @Test
    void aPurchaseKeepsItsCreditsLessTheShareRefundedOrDisputedRoundedDown() {
        assertThat(pack(990, 200, 0, 0, 0).entitlement()).isEqualTo(200);
        assertThat(pack(990, 200, 0, 333, 0).entitlement())
                .as("200 * 333/990 = 67.3 taken")
                .isEqualTo(133);
        assertThat(pack(990, 200, 0, 333, 330).entitlement())
                .as("200 * 663/990 = 133.9 taken")
                .isEqualTo(67);
        assertThat(pack(990, 200, 0, 990, 0).entitlement()).isZero();
        assertThat(pack(990, 200, 0, 660, 660).entitlement())
                .as("refunds and disputes together never take more than the charge")
                .isZero();
    }

    @Test
    void aPurchasePaidNothingKeepsAllItsCredits() {
        // a 100 % promotion code: nothing was charged, so nothing can be taken back in proportion
        assertThat(pack(0, 200, 0, 0, 0).entitlement()).isEqualTo(200);
    }

    @Test
    void keptIsWhatWasGrantedLessWhatWasClawedBack() {
        assertThat(pack(990, 200, 67, 333, 0).kept()).isEqualTo(133);
        assertThat(pack(990, 0, 0, 0, 0).kept()).isZero();
    }

    @Test
    void aProvidersAmountIsMeasuredAgainstTheChargeItReportsAndRoundedDown() {
        Purchase p = pack(990, 200, 0, 0, 0);
        assertThat(p.inOwnAmount(599, 1198L))
                .as("half of a taxed 1198 is half of 990")
                .isEqualTo(495);
        assertThat(p.inOwnAmount(600, 1198L)).as("990 * 600/1198 = 495.8").isEqualTo(495);
        assertThat(p.inOwnAmount(1198, 1198L)).isEqualTo(990);
        assertThat(p.inOwnAmount(500, 990L)).as("the same charge").isEqualTo(500);
        assertThat(p.inOwnAmount(500, null)).as("charge unknown").isEqualTo(500);
        assertThat(p.inOwnAmount(500, 0L)).as("a charge of 0 says nothing").isEqualTo(500);
    }
}

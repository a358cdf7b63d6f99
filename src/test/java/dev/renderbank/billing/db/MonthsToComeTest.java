package dev.renderbank.billing.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What a subscription's latest period still grants, as the subscriptions API and account page show it. */
class MonthsToComeTest {

    private static final Instant START = Instant.parse("2027-01-31T10:00:00Z");

    private static Instant month(int k) {
        return START.atZone(ZoneOffset.UTC).plusMonths(k).toInstant();
    }

    @Test
    void aYearPaidWithMoneyGrantsItsMonthsPastTheSubscriptionsEnd() {
        MonthsToCome m = MonthsToCome.of(START, 12, 3, 500, 6000 - 1500, true, month(1));
        assertThat(m).isEqualTo(new MonthsToCome(9 * 500, month(3), month(11)));
    }

    @Test
    void aFreeYearGrantsNoMonthStartingAtOrAfterTheEnd() {
        assertThat(MonthsToCome.of(START, 12, 1, 500, 5500, false, month(3)))
                .isEqualTo(new MonthsToCome(1000, month(1), month(2)));
        assertThat(MonthsToCome.of(START, 12, 1, 500, 5500, false, month(1))).isEqualTo(MonthsToCome.NONE);
    }

    @Test
    void aRefundLeavesOnlyWhatTheYearIsStillEntitledTo() {
        // refunded 30 %: 4200 of 6000, 1000 granted; 3200 left: six full months and 200 in the seventh
        assertThat(MonthsToCome.of(START, 12, 2, 500, 3200, true, null))
                .isEqualTo(new MonthsToCome(3200, month(2), month(8)));
        assertThat(MonthsToCome.of(START, 12, 2, 500, 0, true, null)).isEqualTo(MonthsToCome.NONE);
    }

    @Test
    void aPeriodWithAllItsMonthsGrantedHasNoneToCome() {
        assertThat(MonthsToCome.of(START, 1, 1, 500, 0, true, null)).isEqualTo(MonthsToCome.NONE);
        assertThat(MonthsToCome.of(START, 12, 12, 500, 0, true, null)).isEqualTo(MonthsToCome.NONE);
    }
}

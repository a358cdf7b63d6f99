package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * A plan switch that credits the old period's unused time back takes the unused share of the old
 * month once, also when the old period's charge is refunded. The old month's credits are then two
 * parts: the used share, paid for by what the old charge still holds, which a refund of it takes
 * back its fraction of; and the unused share, whose money paid the new period, which the switch takes
 * off the new first month. A refund before the switch leaves less unused share to take off; one after
 * it no longer takes back what the switch took. Either order ends with the same credits (up to the
 * rounding of one credit). Pro-monthly (500, 19.90) ten days in, switched to pro-yearly now.
 */
class PlanSwitchOldRefundTest extends BillingIntegrationTest {

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    private record Old(UserAccount user, String sub, Instant start, Instant end, String pi, String charge) {}

    private Old paidMonthly() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(10));
        Instant end = plusMonths(start, 1);
        String invoice = id("in");
        Old old = new Old(u, sub, start, end, id("pi"), id("ch"));
        stripe(StripeWebhookTest.invoice(
                u.id(), id("evt"), invoice, sub, "price_local_pro-monthly", 1990, start, end, "subscription_create"));
        stripe(StripeWebhookTest.invoicePayment(id("evt"), invoice, old.pi(), old.charge()));
        assertThat(available(u)).isEqualTo(500);
        return old;
    }

    /** The unused share of the old month at the switch: floor(500 × unused / month). */
    private long unusedShare(Old old, Instant switchAt) {
        long unused = Duration.between(switchAt, old.end()).toSeconds();
        long month = Duration.between(old.start(), old.end()).toSeconds();
        return Math.floorDiv(500 * unused, month);
    }

    private void switchToYearly(Old old, Instant switchAt) throws Exception {
        long credit = -Math.round(1990
                * (double) Duration.between(switchAt, old.end()).toSeconds()
                / Duration.between(old.start(), old.end()).toSeconds());
        String event = id("evt");
        stripe(StripeWebhookTest.invoice(
                old.user().id(),
                event,
                id("in"),
                old.sub(),
                19900 + credit,
                19900 + credit,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_pro-monthly", credit, switchAt, old.end(), true),
                new StripeWebhookTest.Line(
                        "price_local_pro-yearly",
                        19900,
                        switchAt,
                        switchAt.atZone(ZoneOffset.UTC).plusYears(1).toInstant(),
                        false)));
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
    }

    private void refundOld(Old old, long refundedTotal) throws Exception {
        String event = id("evt");
        stripe(StripeWebhookTest.refunded(event, old.charge(), old.pi(), 1990, refundedTotal));
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
    }

    private void invariants(Old old) {
        assertThat(ledger.balance(old.user().id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void anOldMonthRefundedInFullBeforeTheSwitchLeavesNoUnusedShareToTakeOff() throws Exception {
        Old old = paidMonthly();
        refundOld(old, 1990);
        assertThat(available(old.user())).isZero();
        switchToYearly(old, clock.instant().truncatedTo(ChronoUnit.SECONDS));
        assertThat(available(old.user()))
                .as("nothing of the old month is kept, so the year's first month is granted in full")
                .isEqualTo(500);
        invariants(old);
    }

    @Test
    void anOldMonthRefundedInFullAfterTheSwitchTakesBackOnlyWhatTheSwitchDidNotTake() throws Exception {
        Old old = paidMonthly();
        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long unused = unusedShare(old, switchAt);
        switchToYearly(old, switchAt);
        assertThat(available(old.user())).isEqualTo(1000 - unused);
        refundOld(old, 1990);
        assertThat(available(old.user()))
                .as("the used share taken back by the refund, the unused one by the switch: the year's month")
                .isEqualTo(500);
        invariants(old);
    }

    @Test
    void anOldMonthHalfRefundedAfterTheSwitchTakesBackHalfOfTheUsedShare() throws Exception {
        Old old = paidMonthly();
        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long used = 500 - unusedShare(old, switchAt);
        switchToYearly(old, switchAt);
        refundOld(old, 995);
        assertThat(available(old.user())).isEqualTo(used - Math.floorDiv(used, 2) + 500);
        invariants(old);
    }

    @Test
    void anOldMonthHalfRefundedBeforeTheSwitchEndsAsOneRefundedAfterIt() throws Exception {
        Old old = paidMonthly();
        refundOld(old, 995);
        assertThat(available(old.user())).isEqualTo(250);
        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long used = 500 - unusedShare(old, switchAt);
        switchToYearly(old, switchAt);
        assertThat(available(old.user()))
                .as("half the used share kept and the year's month: the unused share taken once")
                .isCloseTo(used - Math.floorDiv(used, 2) + 500, within(1L));
        invariants(old);
    }

    /**
     * Refunded in full before the switch, which then took nothing off the year's month; the refund then
     * fails (the charge's refunded total back to 0): the old month gets back its used share only, since
     * its unused share paid the new period, which granted its month in full.
     */
    @Test
    void aRefundBeforeTheSwitchThatFailsAfterItGivesBackTheUsedShareOnly() throws Exception {
        Old old = paidMonthly();
        refundOld(old, 1990);
        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long used = 500 - unusedShare(old, switchAt);
        switchToYearly(old, switchAt);
        assertThat(available(old.user())).isEqualTo(500);
        refundOld(old, 0);
        assertThat(available(old.user())).isEqualTo(used + 500);
        invariants(old);
    }
}

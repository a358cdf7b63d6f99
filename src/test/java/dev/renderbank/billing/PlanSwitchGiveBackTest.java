package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

/**
 * What a plan switch took back stays taken when a refund or dispute of the old period's charge is
 * undone. A won dispute and a failed refund give back what refunds and disputes clawed back, never
 * what the switch did: the switch's clawback is credits the customer was paid back as money (the
 * unused time credited to the new plan). Before, they gave back the switch's clawback too, up to the
 * purchase's entitlement, which for a yearly plan counts all twelve months: a dispute of 1.00,
 * opened and won, minted the credits the switch had taken.
 *
 * <p>Pro+ yearly (900 credits a month, 349.00), two months granted; two days into the second month
 * the customer switches to Pro monthly (500), paid from the credited unused time: the unused share of
 * the second month (about 840) exceeds the new first month's 500, so the switch takes the rest (about
 * 340) back from the year's months.
 */
class PlanSwitchGiveBackTest extends BillingIntegrationTest {

    private record Yearly(UserAccount user, String sub, String pi, String charge, Instant end, Instant month2) {}

    private record Switched(UserAccount user, String pi, String charge, long afterSwitch) {}

    /** Pro+ yearly bought two months ago: 1,800 credits granted. */
    private Yearly yearlyTwoMonthsIn() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        String invoice = id("in");
        Yearly y = new Yearly(u, sub, id("pi"), id("ch"), end, plusMonths(start, 1));
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                invoice,
                sub,
                "price_local_proplus-yearly",
                34900,
                start,
                end,
                "subscription_create"));
        stripe(StripeWebhookTest.invoicePayment(id("evt"), invoice, y.pi(), y.charge()));
        clock.advance(Duration.between(clock.instant(), y.month2().plusSeconds(60)));
        awaitSweep();
        assertThat(available(u)).as("the year's first two months").isEqualTo(1800);
        return y;
    }

    /**
     * Two days into the second month, to Pro monthly, paid from the credited unused time; returns the
     * unused share of the second month (floor(900 × unused / month)).
     */
    private long switchToProMonthly(Yearly y) throws Exception {
        Instant switchAt = y.month2().plus(Duration.ofDays(2));
        Instant month3 = plusMonths(y.month2(), 1);
        clock.advance(Duration.between(clock.instant(), switchAt));
        long share = Math.floorDiv(
                900 * Duration.between(switchAt, month3).toSeconds(),
                Duration.between(y.month2(), month3).toSeconds());
        assertThat(share).as("the unused share exceeds the new month's 500").isGreaterThan(800);
        String event = id("evt");
        stripe(StripeWebhookTest.invoice(
                y.user().id(),
                event,
                id("in"),
                y.sub(),
                0,
                1990 - 30000,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_proplus-yearly", -30000, switchAt, y.end(), true),
                new StripeWebhookTest.Line("price_local_pro-monthly", 1990, switchAt, plusMonths(switchAt, 1), false)));
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
        return share;
    }

    private Switched yearlySwitchedToASmallerMonthly() throws Exception {
        Yearly y = yearlyTwoMonthsIn();
        long share = switchToProMonthly(y);
        long afterSwitch = available(y.user());
        assertThat(afterSwitch)
                .as("the first month, the second's used share (900 - %d) and the new month's 500", share)
                .isEqualTo(900 + 900 - share + 500);
        return new Switched(y.user(), y.pi(), y.charge(), afterSwitch);
    }

    /**
     * The whole charge disputed before the switch: the year's two months are taken while it is open,
     * so the switch finds nothing of the unused share kept and grants the new month in full. Won after
     * the switch, the dispute gives back the months less the unused share, whose money paid the new
     * month: what the customer would have had with no dispute at all.
     */
    @Test
    void aDisputeOpenedBeforeTheSwitchAndWonAfterItGivesBackTheMonthsLessTheShareTheSwitchUsed() throws Exception {
        Yearly y = yearlyTwoMonthsIn();
        String dispute = id("dp");
        dispute("charge.dispute.created", dispute, y.charge(), y.pi(), "needs_response", 34900);
        assertThat(available(y.user())).isZero();
        long share = switchToProMonthly(y);
        assertThat(available(y.user())).as("the new month in full").isEqualTo(500);
        dispute("charge.dispute.closed", dispute, y.charge(), y.pi(), "won", 34900);
        assertThat(available(y.user()))
                .as("as with no dispute: the first month, the second's used share and the new month")
                .isEqualTo(900 + 900 - share + 500);
        assertThat(ledger.balance(y.user().id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aDisputeOfTheOldChargeOpenedAndWonGivesBackNothingTheSwitchTook() throws Exception {
        Switched s = yearlySwitchedToASmallerMonthly();
        String dispute = id("dp");
        dispute("charge.dispute.created", dispute, s.charge(), s.pi(), "needs_response", 100);
        dispute("charge.dispute.closed", dispute, s.charge(), s.pi(), "won", 100);
        assertThat(available(s.user())).as("as after the switch").isEqualTo(s.afterSwitch());
        assertBooks(s);
    }

    @Test
    void aRefundOfTheOldChargeThatFailsGivesBackNothingTheSwitchTook() throws Exception {
        Switched s = yearlySwitchedToASmallerMonthly();
        stripe(StripeWebhookTest.refunded(id("evt"), s.charge(), s.pi(), 34900, 100));
        stripe(StripeWebhookTest.refunded(id("evt"), s.charge(), s.pi(), 34900, 0));
        assertThat(available(s.user())).as("as after the switch").isEqualTo(s.afterSwitch());
        assertBooks(s);
    }

    private void dispute(String type, String dispute, String charge, String pi, String status, long amount)
            throws Exception {
        String event = id("evt");
        stripe(StripeWebhookTest.dispute(type, event, dispute, charge, pi, status, amount));
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
    }

    private void assertBooks(Switched s) {
        assertThat(ledger.balance(s.user().id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }
}

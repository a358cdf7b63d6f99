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

    private record Switched(UserAccount user, String pi, String charge, long afterSwitch) {}

    private Switched yearlySwitchedToASmallerMonthly() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        String invoice = id("in");
        Switched s = new Switched(u, id("pi"), id("ch"), 0);
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
        stripe(StripeWebhookTest.invoicePayment(id("evt"), invoice, s.pi(), s.charge()));
        Instant month2 = plusMonths(start, 1);
        Instant month3 = plusMonths(start, 2);
        clock.advance(Duration.between(clock.instant(), month2.plusSeconds(60)));
        awaitSweep();
        assertThat(available(u)).as("the year's first two months").isEqualTo(1800);

        Instant switchAt = month2.plus(Duration.ofDays(2));
        clock.advance(Duration.between(clock.instant(), switchAt));
        long unused = Duration.between(switchAt, month3).toSeconds();
        long month = Duration.between(month2, month3).toSeconds();
        long share = Math.floorDiv(900 * unused, month);
        assertThat(share).as("the unused share exceeds the new month's 500").isGreaterThan(800);
        String event = id("evt");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                event,
                id("in"),
                sub,
                0,
                1990 - 30000,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_proplus-yearly", -30000, switchAt, end, true),
                new StripeWebhookTest.Line("price_local_pro-monthly", 1990, switchAt, plusMonths(switchAt, 1), false)));
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
        long afterSwitch = available(u);
        assertThat(afterSwitch)
                .as("the first month, the second's used share (900 - %d) and the new month's 500", share)
                .isEqualTo(900 + 900 - share + 500);
        return new Switched(u, s.pi(), s.charge(), afterSwitch);
    }

    @Test
    void aDisputeOfTheOldChargeOpenedAndWonGivesBackNothingTheSwitchTook() throws Exception {
        Switched s = yearlySwitchedToASmallerMonthly();
        String dispute = id("dp");
        stripe(StripeWebhookTest.dispute(
                "charge.dispute.created", id("evt"), dispute, s.charge(), s.pi(), "needs_response", 100));
        stripe(StripeWebhookTest.dispute("charge.dispute.closed", id("evt"), dispute, s.charge(), s.pi(), "won", 100));
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

    private void assertBooks(Switched s) {
        assertThat(ledger.balance(s.user().id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }
}

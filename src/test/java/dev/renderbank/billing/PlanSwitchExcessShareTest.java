package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A plan switch to a smaller plan early in the old month: Stripe credits back the old month's unused
 * time, worth more credits than the new first month grants. Credits follow paid time: the user keeps
 * the old month's used share and the new month, no more. The new first month is granted nothing, and
 * what the unused share exceeds it by is taken back from the old month (before, the user kept it:
 * 900 credits instead of 60 + 500). A full refund of the old charge afterwards leaves the new month.
 */
class PlanSwitchExcessShareTest extends BillingIntegrationTest {

    @Test
    void theUnusedShareBeyondTheNewFirstMonthIsTakenBackFromTheOldMonth() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.minus(Duration.ofDays(2));
        Instant end = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        String first = id("in");
        stripe(StripeWebhookTest.invoice(
                u.id(), id("evt"), first, sub, "price_local_proplus-monthly", 3490, start, end, "subscription_create"));
        assertThat(available(u)).isEqualTo(900);

        long unused = Duration.between(now, end).toSeconds();
        long month = Duration.between(start, end).toSeconds();
        long share = Math.floorDiv(900 * unused, month);
        assertThat(share).as("the unused share exceeds the new month's 500").isGreaterThan(800);
        long credit = -Math.round(3490 * (double) unused / month);
        String event = id("evt");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                event,
                id("in"),
                sub,
                Math.max(0, 1990 + credit),
                1990 + credit,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_proplus-monthly", credit, now, end, true),
                new StripeWebhookTest.Line(
                        "price_local_pro-monthly",
                        1990,
                        now,
                        now.atZone(ZoneOffset.UTC).plusMonths(1).toInstant(),
                        false)));
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
        assertThat(available(u))
                .as("the old month's used share (900 - %d) and the new month's 500", share)
                .isEqualTo(900 - share + 500);
        assertThat(ledger.checkInvariants().holds()).isTrue();

        // the old month's charge refunded in full: what it paid for the new month stays the new month
        String pi = id("pi");
        String charge = id("ch");
        stripe(StripeWebhookTest.invoicePayment(id("evt"), first, pi, charge));
        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, 3490, 3490));
        assertThat(available(u)).as("the new month").isEqualTo(500);
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * The smaller plan switched again in the same month (A pro+ → B pro early in A's month → C pro+
     * yearly a day later): B's first month granted nothing (A's unused share used it up), yet B's month
     * is worth its 500 credits, paid with A's unused time, and C's invoice credits B's unused time back.
     * So C's first month is granted less B's unused share, as after any switch, in either order of B's
     * and C's invoice.paid. Before, B's month had no grant to take the share from, so it was never
     * taken: C's first month came in full, B's unused time granted twice (about 480 credits).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"B then C", "C then B"})
    void aSecondSwitchTakesTheShareOfAFirstMonthTheFirstSwitchUsedUp(String order) throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant tB = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant tA = tB.minus(Duration.ofDays(2));
        Instant endA = tA.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant endB = tB.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant tC = tB.plus(Duration.ofDays(1));
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_proplus-monthly",
                3490,
                tA,
                endA,
                "subscription_create"));
        long shareA = Math.floorDiv(
                900 * Duration.between(tB, endA).toSeconds(),
                Duration.between(tA, endA).toSeconds());
        long shareB = Math.floorDiv(
                500 * Duration.between(tC, endB).toSeconds(),
                Duration.between(tB, endB).toSeconds());
        long creditA = -Math.round(3490
                * (double) Duration.between(tB, endA).toSeconds()
                / Duration.between(tA, endA).toSeconds());
        long creditB = -Math.round(1990
                * (double) Duration.between(tC, endB).toSeconds()
                / Duration.between(tB, endB).toSeconds());
        String eventB = id("evt");
        String paidB = StripeWebhookTest.invoice(
                u.id(),
                eventB,
                id("in"),
                sub,
                Math.max(0, 1990 + creditA),
                1990 + creditA,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_proplus-monthly", creditA, tB, endA, true),
                new StripeWebhookTest.Line("price_local_pro-monthly", 1990, tB, endB, false));
        String eventC = id("evt");
        String paidC = StripeWebhookTest.invoice(
                u.id(),
                eventC,
                id("in"),
                sub,
                34900 + creditB,
                34900 + creditB,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_pro-monthly", creditB, tC, endB, true),
                new StripeWebhookTest.Line(
                        "price_local_proplus-yearly",
                        34900,
                        tC,
                        tC.atZone(ZoneOffset.UTC).plusYears(1).toInstant(),
                        false));
        clock.advance(Duration.ofDays(1));
        if (order.equals("B then C")) {
            stripe(paidB);
            stripe(paidC);
        } else {
            stripe(paidC);
            stripe(paidB);
        }
        assertThat(eventStatus("stripe", eventB)).isEqualTo("PROCESSED");
        assertThat(eventStatus("stripe", eventC)).isEqualTo("PROCESSED");
        assertThat(available(u))
                .as("A up to the first switch, B up to the second, C's first month")
                .isEqualTo(900 - shareA + 500 - shareB + 900);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}

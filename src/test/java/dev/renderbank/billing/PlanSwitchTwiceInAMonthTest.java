package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two Stripe plan switches in one month, each starting a new period and crediting the unused time of
 * the period it replaces: pro-monthly (A, 500 credits) from 20 days ago, switched 10 days ago to
 * pro+ monthly (B, 900, its cycle restarted), switched now to pro+ yearly (C, 900 a month). Each
 * invoice credits back the unused time of the period just before it: B's the rest of A's month, C's
 * the rest of B's.
 *
 * <p>The rule, as for one switch: credits follow paid time. Each period's month is worth its plan's
 * credits in full, and each switch takes off its first month the unused share of the month of the
 * period its invoice credited back, floor(month credits × unused / month), once. So the user ends
 * with A + B + C − share(A, unused after the first switch) − share(B, unused after the second): 10
 * days of A, 10 days of B and C's first month, whatever order the three invoice.paid events are
 * processed in, and every one of them is processed (none fails for good). B's share is of B's
 * whole month, not of what B granted after A's share was taken off it: the money Stripe credits back
 * for B's unused time is that fraction of B's whole price.
 */
class PlanSwitchTwiceInAMonthTest extends BillingIntegrationTest {

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    /** floor(credits × unused / month), the unused share of a month at the switch. */
    private static long unusedShare(long credits, Instant monthStart, Instant monthEnd, Instant switchAt) {
        long unused = Duration.between(switchAt, monthEnd).toSeconds();
        long month = Duration.between(monthStart, monthEnd).toSeconds();
        return Math.floorDiv(credits * unused, month);
    }

    /** Stripe's credit for the unused part of a period of {@code price} (rounded as Stripe does, near enough). */
    private static long unusedCredit(long price, Instant from, Instant to, Instant switchAt) {
        return -Math.round(price
                * (double) Duration.between(switchAt, to).toSeconds()
                / Duration.between(from, to).toSeconds());
    }

    /** The three periods of one subscription and their invoice.paid events. */
    private record Chain(UserAccount user, String sub, Instant t0, Instant t1, Instant t2) {

        Instant endA() {
            return plusMonths(t0, 1);
        }

        Instant endB() {
            return plusMonths(t1, 1);
        }

        String paidA(String event) {
            return StripeWebhookTest.invoice(
                    user.id(),
                    event,
                    "in_a_" + sub,
                    sub,
                    "price_local_pro-monthly",
                    1990,
                    t0,
                    endA(),
                    "subscription_create");
        }

        /** A → B: A's unused time credited, B's month charged (its cycle restarts at the switch). */
        String paidB(String event) {
            long credit = unusedCredit(1990, t0, endA(), t1);
            return StripeWebhookTest.invoice(
                    user.id(),
                    event,
                    "in_b_" + sub,
                    sub,
                    3490 + credit,
                    3490 + credit,
                    "subscription_update",
                    new StripeWebhookTest.Line("price_local_pro-monthly", credit, t1, endA(), true),
                    new StripeWebhookTest.Line("price_local_proplus-monthly", 3490, t1, endB(), false));
        }

        /** B → C: B's unused time credited, C's year charged. */
        String paidC(String event) {
            long credit = unusedCredit(3490, t1, endB(), t2);
            return StripeWebhookTest.invoice(
                    user.id(),
                    event,
                    "in_c_" + sub,
                    sub,
                    34900 + credit,
                    34900 + credit,
                    "subscription_update",
                    new StripeWebhookTest.Line("price_local_proplus-monthly", credit, t2, endB(), true),
                    new StripeWebhookTest.Line(
                            "price_local_proplus-yearly",
                            34900,
                            t2,
                            t2.atZone(ZoneOffset.UTC).plusYears(1).toInstant(),
                            false));
        }

        String paid(char period, String event) {
            return switch (period) {
                case 'A' -> paidA(event);
                case 'B' -> paidB(event);
                default -> paidC(event);
            };
        }

        long shareA() {
            return unusedShare(500, t0, endA(), t1);
        }

        long shareB() {
            return unusedShare(900, t1, endB(), t2);
        }

        /** A + B + C less the two unused shares: 10 days of A, 10 days of B, C's first month. */
        long expected() {
            return 500 + 900 + 900 - shareA() - shareB();
        }
    }

    private Chain twoSwitches() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        return new Chain(newUser(), id("sub"), now.minus(Duration.ofDays(20)), now.minus(Duration.ofDays(10)), now);
    }

    /** The order in which the three invoice.paid events are processed. */
    enum Order {
        ABC,
        ACB,
        BAC,
        BCA,
        CAB,
        CBA
    }

    @ParameterizedTest
    @EnumSource(Order.class)
    void twoSwitchesInOneMonthGrantThePaidTimeOnceInAnyOrder(Order order) throws Exception {
        Chain c = twoSwitches();
        assertThat(c.shareA()).as("about 2/3 of A's 500").isBetween(300L, 360L);
        assertThat(c.shareB()).as("about 2/3 of B's 900, less than C's month").isBetween(560L, 640L);
        List<String> events = new ArrayList<>();
        for (char period : order.name().toCharArray()) {
            String event = id("evt");
            events.add(event);
            stripe(c.paid(period, event));
            assertThat(eventStatus("stripe", event))
                    .as("invoice.paid of period %s in order %s", period, order)
                    .isEqualTo("PROCESSED");
        }
        assertThat(available(c.user()))
                .as("order %s: 500 + 900 + 900 - %d (A's unused share) - %d (B's)", order, c.shareA(), c.shareB())
                .isEqualTo(c.expected());
        assertThat(ledger.balance(c.user().id()).debt()).isZero();

        // copies of all three, and the sweep, change nothing
        for (char period : "ABC".toCharArray()) {
            stripe(c.paid(period, id("evt")));
        }
        awaitSweep();
        for (String event : events) {
            assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
        }
        assertThat(available(c.user())).as("order %s, after replays", order).isEqualTo(c.expected());
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** The old month granted first, then both switches' invoice.paid (and a copy of each) at once, as two nodes would. */
    @Test
    void bothSwitchesProcessedConcurrentlyTakeEachUnusedShareOnce() throws Exception {
        for (int round = 0; round < 4; round++) {
            Chain c = twoSwitches();
            stripe(c.paidA(id("evt")));
            String b = id("evt");
            String cc = id("evt");
            String bodyB = c.paidB(b);
            String bodyC = c.paidC(cc);
            List<Integer> codes = Concurrently.run(
                    () -> stripe(bodyC).statusCode(),
                    () -> stripe(bodyB).statusCode(),
                    () -> stripe(c.paidC(id("evt"))).statusCode(),
                    () -> stripe(c.paidB(id("evt"))).statusCode());
            assertThat(codes).containsOnly(200);
            assertThat(eventStatus("stripe", b)).isEqualTo("PROCESSED");
            assertThat(eventStatus("stripe", cc)).isEqualTo("PROCESSED");
            awaitSweep();
            assertThat(available(c.user())).as("round " + round).isEqualTo(c.expected());
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /** All three invoice.paid events at once: the old month's too. */
    @Test
    void allThreePeriodsProcessedConcurrentlyGrantThePaidTimeOnce() throws Exception {
        for (int round = 0; round < 4; round++) {
            Chain c = twoSwitches();
            String a = id("evt");
            String b = id("evt");
            String cc = id("evt");
            String bodyA = c.paidA(a);
            String bodyB = c.paidB(b);
            String bodyC = c.paidC(cc);
            List<Integer> codes = Concurrently.run(
                    () -> stripe(bodyC).statusCode(),
                    () -> stripe(bodyB).statusCode(),
                    () -> stripe(bodyA).statusCode());
            assertThat(codes).containsOnly(200);
            for (String event : List.of(a, b, cc)) {
                assertThat(eventStatus("stripe", event)).as("round " + round).isEqualTo("PROCESSED");
            }
            awaitSweep();
            assertThat(available(c.user())).as("round " + round).isEqualTo(c.expected());
        }
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}

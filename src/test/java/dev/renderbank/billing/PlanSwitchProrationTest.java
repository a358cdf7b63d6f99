package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.support.Concurrently;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Credits follow paid time across a plan switch that starts a new period in Stripe's customer
 * portal ({@code subscription_update} with a period line). With Stripe's default proration the
 * unused time of the old period is credited back (a negative proration line, "Unused time on …"),
 * so the month the old period granted is paid only up to the switch: the new period's first month
 * is granted less the unused share of that month's grant, floor(granted × unused / month). Each
 * switch granted a full extra month for the elapsed time's money. Without that credit (proration
 * behaviour none) the full month stays. Signed webhooks through the real endpoint.
 */
class PlanSwitchProrationTest extends BillingIntegrationTest {

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    /** floor(granted × unused / month), the unused share of a granted month at the switch. */
    private static long unusedShare(long granted, Instant monthStart, Instant monthEnd, Instant switchAt) {
        long unused = Duration.between(switchAt, monthEnd).toSeconds();
        long month = Duration.between(monthStart, monthEnd).toSeconds();
        return Math.floorDiv(granted * unused, month);
    }

    /** Stripe's credit for the unused part of a period of {@code price} (rounded as Stripe does, near enough). */
    private static long unusedCredit(long price, Instant from, Instant to, Instant switchAt) {
        return -Math.round(price
                * (double) Duration.between(switchAt, to).toSeconds()
                / Duration.between(from, to).toSeconds());
    }

    private record Monthly(UserAccount user, String sub, Instant start, Instant end) {}

    /** A pro-monthly subscription (500 credits, 19.90) whose period started ten days ago; its first month granted. */
    private Monthly monthlyTenDaysIn() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(10));
        Instant end = plusMonths(start, 1);
        stripe(StripeWebhookTest.invoice(
                u.id(), id("evt"), id("in"), sub, "price_local_pro-monthly", 1990, start, end, "subscription_create"));
        assertThat(available(u)).isEqualTo(500);
        return new Monthly(u, sub, start, end);
    }

    /** The switch to pro-yearly now: the unused monthly time credited (a proration line), the year charged. */
    private String switchToYearly(Monthly m, String event, String invoice, Instant switchAt) {
        long credit = unusedCredit(1990, m.start(), m.end(), switchAt);
        return StripeWebhookTest.invoice(
                m.user().id(),
                event,
                invoice,
                m.sub(),
                19900 + credit,
                19900 + credit,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_pro-monthly", credit, switchAt, m.end(), true),
                new StripeWebhookTest.Line(
                        "price_local_pro-yearly",
                        19900,
                        switchAt,
                        switchAt.atZone(ZoneOffset.UTC).plusYears(1).toInstant(),
                        false));
    }

    private String lastGrantReason(UserAccount u) {
        return jdbc.sql(
                        "select reason from ledger_entry where user_id = :u and kind = 'GRANT' order by id desc limit 1")
                .param("u", u.id())
                .query(String.class)
                .single();
    }

    @Test
    void aMidMonthSwitchThatCreditsTheUnusedTimeGrantsTheNewFirstMonthLessTheUnusedShare() throws Exception {
        Monthly m = monthlyTenDaysIn();
        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long less = unusedShare(500, m.start(), m.end(), switchAt);
        assertThat(less).isBetween(300L, 400L);
        String yearly = id("in");
        String event = id("evt");
        stripe(switchToYearly(m, event, yearly, switchAt));

        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
        assertThat(available(m.user()))
                .as("the monthly month up to the switch, then the year's first month less the unused share")
                .isEqualTo(500 + 500 - less);
        assertThat(lastGrantReason(m.user()))
                .as("the operator sees why the month is short")
                .contains("less " + less);

        // the year's charge refunded in full takes back what the year granted, not a full month
        String pi = id("pi");
        String charge = id("ch");
        long paid = 19900 + unusedCredit(1990, m.start(), m.end(), switchAt);
        stripe(StripeWebhookTest.invoicePayment(id("evt"), yearly, pi, charge));
        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, paid, paid));
        assertThat(available(m.user())).isEqualTo(500);
        assertThat(ledger.balance(m.user().id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A plan started on the 31st keeps that anchor at Stripe: its period that starts on Feb 28 runs to
     * Mar 31, not to Mar 28. A switch on Mar 29 credits back two of its 31 days, and its share is taken
     * of that month: it fell outside "a month from the period's start" and was never taken, so the
     * user kept the two days' credits as well as their money back; on Mar 27 it was taken of one day
     * of 28 instead of four of 31.
     */
    @ParameterizedTest(name = "switched {0}")
    @ValueSource(strings = {"2027-03-29T10:00:00Z", "2027-03-27T10:00:00Z"})
    void aSwitchInAPeriodThatRunsPastAMonthFromItsStartTakesTheShareOfTheWholePeriod(String when) throws Exception {
        clock.advance(Duration.between(clock.instant(), Instant.parse(when)));
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = Instant.parse("2027-02-28T10:00:00Z");
        Instant end = Instant.parse("2027-03-31T10:00:00Z");
        stripe(StripeWebhookTest.invoice(
                u.id(), id("evt"), id("in"), sub, "price_local_pro-monthly", 1990, start, end, "subscription_cycle"));
        assertThat(available(u)).isEqualTo(500);
        Monthly m = new Monthly(u, sub, start, end);
        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long less = unusedShare(500, start, end, switchAt);

        String event = id("evt");
        stripe(switchToYearly(m, event, id("in"), switchAt));

        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
        assertThat(available(u))
                .as("the month up to the switch, then the year's first month less the unused share of 31 days")
                .isEqualTo(500 + 500 - less);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void aSwitchWithoutUnusedTimeCreditedGrantsTheNewFirstMonthInFull() throws Exception {
        Monthly m = monthlyTenDaysIn();
        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        // proration_behavior none: no money back for the unused month, so no proration line
        String event = id("evt");
        stripe(StripeWebhookTest.invoice(
                m.user().id(),
                event,
                id("in"),
                m.sub(),
                "price_local_pro-yearly",
                19900,
                switchAt,
                switchAt.atZone(ZoneOffset.UTC).plusYears(1).toInstant(),
                "subscription_update"));
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
        assertThat(available(m.user())).isEqualTo(1000);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    @Test
    void concurrentCopiesOfTheSwitchGrantTheReducedMonthOnce() throws Exception {
        Monthly m = monthlyTenDaysIn();
        Instant switchAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        long less = unusedShare(500, m.start(), m.end(), switchAt);
        String invoice = id("in");
        String event = id("evt");
        String copy = id("evt");
        String body = switchToYearly(m, event, invoice, switchAt);
        String bodyCopy = body.replace(event, copy);
        List<Integer> codes = Concurrently.run(
                () -> stripe(body).statusCode(),
                () -> stripe(body).statusCode(),
                () -> stripe(bodyCopy).statusCode());
        assertThat(codes).containsOnly(200);
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
        assertThat(eventStatus("stripe", copy)).isEqualTo("PROCESSED");
        assertThat(available(m.user())).isEqualTo(1000 - less);

        stripe(body);
        stripe(body.replace(event, id("evt")));
        awaitSweep();
        assertThat(available(m.user())).as("once").isEqualTo(1000 - less);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }

    /**
     * A yearly plan in its last month switched to monthly: the year's unused 20 days are credited and
     * the new month is paid with the rest. The new month is granted less the unused share of the
     * year's last month, and half its charge refunded takes back half of what it granted.
     */
    @Test
    void aYearlyToMonthlySwitchGrantsLessAndARefundTakesBackItsShareOfWhatWasGranted() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant yearStart = plusMonths(now.minus(Duration.ofDays(10)), -11);
        Instant yearEnd = yearStart.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_pro-yearly",
                19900,
                yearStart,
                yearEnd,
                "subscription_create"));
        awaitSweep();
        assertThat(available(u)).as("all twelve months started").isEqualTo(6000);

        Instant lastMonth = plusMonths(yearStart, 11);
        long less = unusedShare(500, lastMonth, yearEnd, now);
        long credit = unusedCredit(19900, yearStart, yearEnd, now);
        long paid = 1990 + credit;
        assertThat(paid).isPositive();
        String monthly = id("in");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                monthly,
                sub,
                paid,
                paid,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_pro-yearly", credit, now, yearEnd, true),
                new StripeWebhookTest.Line("price_local_pro-monthly", 1990, now, plusMonths(now, 1), false)));
        long granted = 500 - less;
        assertThat(available(u)).isEqualTo(6000 + granted);

        String pi = id("pi");
        String charge = id("ch");
        stripe(StripeWebhookTest.invoicePayment(id("evt"), monthly, pi, charge));
        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, paid, paid / 2));
        long kept = granted - Math.floorDiv(granted * (paid / 2), paid);
        assertThat(available(u))
                .as("half the charge back: its share of what was granted")
                .isEqualTo(6000 + kept);
        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, paid, paid));
        assertThat(available(u)).as("all of it back: what was granted, no more").isEqualTo(6000);
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}

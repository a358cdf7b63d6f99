package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Subscription periods paid wholly or partly from the customer's Stripe balance (the unused time a
 * plan switch credited back as money): what the buyer paid is what they were charged (amount_paid),
 * since the balance's money was counted when it was charged; a refund of the charge takes back the
 * charge's share of the period's credits only, and the share the balance paid stays.
 */
class PeriodPaidFromStripeBalanceTest extends BillingIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    OperatorBilling operatorBilling;

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    /** README's yearly → monthly case: the renewals the year's leftover money pays charge nothing. */
    @Test
    void aRenewalPaidFromTheBalanceIsRecordedAtWhatWasCharged() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant yearStart = plusMonths(now.minus(Duration.ofDays(10)), -3);
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
        long credit = -Math.round(19900
                * (double) Duration.between(now, yearEnd).toSeconds()
                / Duration.between(yearStart, yearEnd).toSeconds());
        Instant monthEnd = plusMonths(now, 1);
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                0,
                1990 + credit,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_pro-yearly", credit, now, yearEnd, true),
                new StripeWebhookTest.Line("price_local_pro-monthly", 1990, now, monthEnd, false)));
        awaitSweep();
        Optional<CreditPrice> priceBefore = operatorBilling.averageCreditPrice();
        long before = available(u);

        clock.advance(Duration.between(now, monthEnd).plusMinutes(1));
        String renewal = id("evt");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                renewal,
                id("in"),
                sub,
                "price_local_pro-monthly",
                0,
                1990,
                monthEnd,
                plusMonths(monthEnd, 1),
                "subscription_cycle"));
        assertThat(eventStatus("stripe", renewal)).isEqualTo("PROCESSED");
        assertThat(available(u)).as("the month the balance paid for").isEqualTo(before + 500);

        JsonNode newest = JSON.readTree(
                        api("GET", "/api/v1/purchases", token(u), null).body())
                .path("items")
                .path(0);
        assertThat(newest.path("credits").asLong()).isEqualTo(500);
        assertThat(newest.path("amountMinor").asLong())
                .as("nothing charged: the balance the year's payment left paid it")
                .isZero();
        assertThat(operatorBilling.averageCreditPrice())
                .as("the year's money is counted once, with the year")
                .isEqualTo(priceBefore);
    }

    @Test
    void aRefundOfTheChargedPartOfARenewalTakesBackOnlyItsShare() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant next = plusMonths(start, 1);
        stripe(StripeWebhookTest.firstMonthlyInvoice(u.id(), id("evt"), id("in"), sub, start));
        assertThat(available(u)).isEqualTo(500);

        clock.advance(Duration.between(start, next).plusMinutes(1));
        String invoice = id("in");
        String pi = id("pi");
        String charge = id("ch");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                invoice,
                sub,
                "price_local_pro-monthly",
                1470,
                1990,
                next,
                plusMonths(next, 1),
                "subscription_cycle")); // 5.20 from the balance, 14.70 by card
        stripe(StripeWebhookTest.invoicePayment(id("evt"), invoice, pi, charge));
        assertThat(available(u)).isEqualTo(1000);
        JsonNode newest = JSON.readTree(
                        api("GET", "/api/v1/purchases", token(u), null).body())
                .path("items")
                .path(0);
        assertThat(newest.path("amountMinor").asLong())
                .as("what the card was charged")
                .isEqualTo(1470);

        String refund = id("evt");
        stripe(StripeWebhookTest.refunded(refund, charge, pi, 1470, 1470));
        assertThat(eventStatus("stripe", refund)).isEqualTo("PROCESSED");
        long clawed = Math.floorDiv(500 * 1470, 1990);
        assertThat(clawed).isEqualTo(369);
        assertThat(available(u))
                .as("the card's share taken back, the share the balance paid kept")
                .isEqualTo(1000 - clawed);
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}

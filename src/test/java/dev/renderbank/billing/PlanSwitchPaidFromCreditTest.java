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
 * A plan switch paid entirely from the credit for the old period's unused time: a yearly plan three
 * months in switched to monthly, the year's unused nine months credited (about 146 of 199), so the
 * month costs nothing and the rest goes to the customer's Stripe balance (invoice total below 0,
 * amount_paid 0). Its money came with the year's charge, so it is recorded as a purchase of amount 0:
 * it grants its month less the unused share of the year's running month like any switch, the buyer
 * sees it among their purchases at 0 paid with the credits it granted, the margins' price per credit
 * does not count it (its money is counted with the year's charge, which it must not be twice), and a
 * refund of the year's charge takes back the year's used share and leaves the month it paid for.
 */
class PlanSwitchPaidFromCreditTest extends BillingIntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Autowired
    OperatorBilling operatorBilling;

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    @Test
    void aSwitchPaidWhollyFromTheCreditIsAPurchaseOfNothingThatGrantsItsPaidTime() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant yearStart = plusMonths(now.minus(Duration.ofDays(10)), -3);
        Instant yearEnd = yearStart.atZone(ZoneOffset.UTC).plusYears(1).toInstant();
        String yearInvoice = id("in");
        String pi = id("pi");
        String charge = id("ch");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                yearInvoice,
                sub,
                "price_local_pro-yearly",
                19900,
                yearStart,
                yearEnd,
                "subscription_create"));
        stripe(StripeWebhookTest.invoicePayment(id("evt"), yearInvoice, pi, charge));
        awaitSweep();
        assertThat(available(u)).as("four months of the year started").isEqualTo(2000);
        Optional<CreditPrice> priceBefore = operatorBilling.averageCreditPrice();

        Instant month = plusMonths(yearStart, 3);
        long unused = Duration.between(now, plusMonths(yearStart, 4)).toSeconds();
        long less = Math.floorDiv(
                500 * unused, Duration.between(month, plusMonths(yearStart, 4)).toSeconds());
        long credit = -Math.round(19900
                * (double) Duration.between(now, yearEnd).toSeconds()
                / Duration.between(yearStart, yearEnd).toSeconds());
        long total = 1990 + credit;
        assertThat(total).as("the credit pays all of the month").isNegative();
        String event = id("evt");
        stripe(StripeWebhookTest.invoice(
                u.id(),
                event,
                id("in"),
                sub,
                0,
                total,
                "subscription_update",
                new StripeWebhookTest.Line("price_local_pro-yearly", credit, now, yearEnd, true),
                new StripeWebhookTest.Line("price_local_pro-monthly", 1990, now, plusMonths(now, 1), false)));
        assertThat(eventStatus("stripe", event)).isEqualTo("PROCESSED");
        assertThat(available(u))
                .as("the month from the switch, less the unused share of the year's running month")
                .isEqualTo(2000 + 500 - less);

        JsonNode newest = JSON.readTree(
                        api("GET", "/api/v1/purchases", token(u), null).body())
                .path("items")
                .path(0);
        assertThat(newest.path("product").asString()).isEqualTo("pro-monthly");
        assertThat(newest.path("amountMinor").asLong())
                .as("nothing charged: the credit paid it")
                .isZero();
        assertThat(newest.path("credits").asLong()).isEqualTo(500 - less);
        assertThat(newest.path("state").asString()).isEqualTo("paid");
        assertThat(operatorBilling.averageCreditPrice())
                .as("its money is the year's, counted once")
                .isEqualTo(priceBefore);

        stripe(StripeWebhookTest.refunded(id("evt"), charge, pi, 19900, 19900));
        assertThat(available(u))
                .as("the year's used share taken back, the month its credit paid for kept")
                .isEqualTo(500);
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(ledger.checkInvariants().holds()).isTrue();
    }
}

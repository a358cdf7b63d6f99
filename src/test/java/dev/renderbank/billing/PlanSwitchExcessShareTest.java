package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

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
}

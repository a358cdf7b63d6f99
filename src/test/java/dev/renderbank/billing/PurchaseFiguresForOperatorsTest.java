package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.dispute;
import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A purchase's figures as operators see them (/admin/payments, /admin/users and the admin users
 * API): granted is what was granted for what was bought, not the give-backs of a dispute won or a
 * refund failed; clawed back is what refunds and disputes took and was not given back; what plan
 * switches took (unused time credited back as money) is apart. Granted less both is what the user
 * keeps.
 */
class PurchaseFiguresForOperatorsTest extends BillingIntegrationTest {

    @Autowired
    OperatorBilling operatorBilling;

    @Test
    void aPackDisputedThenWonShowsItsCreditsGrantedOnceAndNothingClawedBack() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        String charge = id("ch");
        stripe(session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));
        String dp = id("dp");
        stripe(dispute("charge.dispute.created", id("evt"), dp, charge, pi, "needs_response"));
        assertThat(available(u)).isZero();
        PurchaseSummary open = operatorBilling.purchases(u.id()).get(0);
        assertThat(List.of(open.granted(), open.clawedBack(), open.switchClawed()))
                .as("granted, clawed back, switch")
                .containsExactly(200L, 200L, 0L);

        stripe(dispute("charge.dispute.closed", id("evt"), dp, charge, pi, "won"));
        assertThat(available(u)).isEqualTo(200);
        PurchaseSummary won = operatorBilling.purchases(u.id()).get(0);
        assertThat(List.of(won.granted(), won.clawedBack(), won.switchClawed()))
                .as("granted, clawed back, switch")
                .containsExactly(200L, 0L, 0L);
    }

    /** A switch to a smaller plan early in the month takes back what its unused time exceeds the new month by. */
    @Test
    void whatAPlanSwitchTookIsNotCountedAsClawedBackByRefundsAndDisputes() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.minus(Duration.ofDays(2));
        Instant end = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_proplus-monthly",
                3490,
                start,
                end,
                "subscription_create"));
        long unused = Duration.between(now, end).toSeconds();
        long month = Duration.between(start, end).toSeconds();
        long share = Math.floorDiv(900 * unused, month);
        long credit = -Math.round(3490 * (double) unused / month);
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
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
        assertThat(available(u)).isEqualTo(900 - share + 500);

        PurchaseSummary old = operatorBilling.purchases(u.id()).stream()
                .filter(p -> p.product().equals("proplus-monthly"))
                .findFirst()
                .orElseThrow();
        assertThat(List.of(old.granted(), old.clawedBack(), old.switchClawed()))
                .as("granted, clawed back, switch")
                .containsExactly(900L, 0L, share - 500);
    }
}

package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.notify.Inbox;
import dev.renderbank.support.BrowserSession;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Stripe renewal paid wholly or partly from the customer's Stripe balance (money an earlier plan
 * left there) is told in words: the renewal email said "Amount paid: $0.00" (or the card's part
 * only) and nothing of the balance, as if the month had been free. The email, received over SMTP
 * (GreenMail), and the buyer's purchase list say what was charged and what the balance paid.
 */
class RenewalPaidFromBalanceMailTest extends BillingIntegrationTest {

    static final Inbox inbox = new Inbox();

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry r) {
        r.add("spring.mail.host", () -> "127.0.0.1");
        r.add("spring.mail.port", () -> inbox.port);
        r.add("renderbank.mail.send-interval", () -> "200ms");
    }

    @BeforeAll
    static void up() {
        inbox.start();
    }

    @AfterAll
    static void down() {
        inbox.stop();
    }

    private static Instant plusMonths(Instant at, int months) {
        return at.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
    }

    @Test
    void aRenewalPaidFromTheBalanceSaysSoInTheEmailAndThePurchaseList() throws Exception {
        UserAccount u = newUser();
        String sub = id("sub");
        Instant start = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        stripe(StripeWebhookTest.firstMonthlyInvoice(u.id(), id("evt"), id("in"), sub, start));

        // the second month: paid from the balance alone
        Instant second = plusMonths(start, 1);
        clock.advance(Duration.between(start, second).plusMinutes(1));
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_pro-monthly",
                0,
                1990,
                second,
                plusMonths(second, 1),
                "subscription_cycle"));
        Inbox.Mail wholly = awaitRenewals(u, 1).get(0);
        String whollyWords = "$0.00 charged \u2014 $19.90 paid from your account balance with us"
                + " (credit left from your previous plan)";
        assertThat(wholly.text()).contains("Amount paid:   " + whollyWords);
        assertThat(wholly.html()).contains(whollyWords);

        // the third: $5.20 from the balance, $14.70 by card
        Instant third = plusMonths(second, 1);
        clock.advance(Duration.between(second, third));
        stripe(StripeWebhookTest.invoice(
                u.id(),
                id("evt"),
                id("in"),
                sub,
                "price_local_pro-monthly",
                1470,
                1990,
                third,
                plusMonths(third, 1),
                "subscription_cycle"));
        String partlyWords = "$14.70 charged \u2014 $5.20 paid from your account balance with us";
        assertThat(awaitRenewals(u, 2)).anySatisfy(m -> assertThat(m.text()).contains("Amount paid:   " + partlyWords));

        // the first month, charged in full, says the amount alone, as before
        assertThat(inbox.to(u.email()))
                .filteredOn(m -> m.subject().contains("purchase"))
                .singleElement()
                .satisfies(m -> assertThat(m.text()).containsPattern("Amount paid: +\\$19\\.90\\R"));

        String page = BrowserSession.signIn(port, u.email(), "a-long-password-123")
                .get("/account")
                .body();
        assertThat(page).contains(whollyWords).contains(partlyWords);
        assertThat(api("GET", "/api/v1/purchases", token(u), null).body())
                .contains("\"amountMinor\":0,")
                .contains("\"fromBalanceMinor\":1990")
                .contains("\"fromBalanceMinor\":520");
    }

    /** The renewal emails received for {@code u}, once there are {@code count}. */
    private List<Inbox.Mail> awaitRenewals(UserAccount u, int count) {
        await().atMost(Duration.ofSeconds(30)).until(() -> renewals(u).size() >= count);
        return renewals(u);
    }

    private List<Inbox.Mail> renewals(UserAccount u) {
        return inbox.to(u.email()).stream()
                .filter(m -> m.subject().contains("renewed"))
                .toList();
    }
}

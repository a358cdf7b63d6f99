package dev.renderbank.billing;

import static dev.renderbank.billing.StripeWebhookTest.invoice;
import static dev.renderbank.billing.StripeWebhookTest.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.UserAccount;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every purchase is told to its buyer exactly once, by the event stored with its grant: a pack and
 * a subscription's first period get a receipt, each later period a renewal notice, and a replay of
 * a purchase under another event id none.
 */
class PurchaseReceiptTest extends BillingIntegrationTest {

    record Mail(String template, String subject) {}

    @Test
    void eachPurchaseIsToldOnceAndARenewalAsARenewal() throws Exception {
        UserAccount u = newUser();
        String cs = opened(u.id(), "pack-200", id("cs"));
        String pi = id("pi");
        stripe(session(id("evt"), cs, pi, u.id(), "pack-200", 990));

        String sub = id("sub");
        Instant start = clock.instant();
        Instant next = start.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        Instant after = next.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        stripe(invoice(
                u.id(), id("evt"), id("in"), sub, "price_local_pro-monthly", 1990, start, next, "subscription_create"));
        clock.advance(Duration.between(start, next).plusMinutes(1));
        stripe(invoice(
                u.id(), id("evt"), id("in"), sub, "price_local_pro-monthly", 1990, next, after, "subscription_cycle"));
        stripe(session(id("evt"), cs, pi, u.id(), "pack-200", 990)); // the same order under another event id
        assertThat(available(u)).isEqualTo(200 + 500 + 500);

        await().atMost(Duration.ofSeconds(20)).until(() -> mails(u).size() >= 3);
        awaitSweep();
        List<Mail> mails = mails(u);
        // each purchase's handler runs on its own durable task, so the mails may be queued in any order
        assertThat(mails)
                .extracting(Mail::template)
                .containsExactlyInAnyOrder("purchase", "purchase", "subscription-renewal");
        assertThat(mails)
                .filteredOn(m -> m.template().equals("purchase"))
                .extracting(Mail::subject)
                .satisfiesExactlyInAnyOrder(
                        s -> assertThat(s).contains("200 credits"),
                        s -> assertThat(s).contains("500 credits"));
        assertThat(mails)
                .filteredOn(m -> m.template().equals("subscription-renewal"))
                .singleElement()
                .satisfies(m -> assertThat(m.subject()).contains("500 credits"));
        // their link goes to the account (credits, plan, cancel), not to the generator at /
        assertThat(jdbc.sql("select body_text from mail_outbox where user_id = :u")
                        .param("u", u.id())
                        .query(String.class)
                        .list())
                .allSatisfy(text -> assertThat(text).containsPattern("https?://[^\\s]+/account\\b"))
                .allSatisfy(text -> assertThat(text).doesNotContainPattern("https?://[^\\s/]+(:\\d+)?/\\s"));
    }

    private List<Mail> mails(UserAccount u) {
        return jdbc.sql("select template, subject from mail_outbox where user_id = :u order by id")
                .param("u", u.id())
                .query((rs, n) -> new Mail(rs.getString("template"), rs.getString("subject")))
                .list();
    }
}

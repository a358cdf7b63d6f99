package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.AccountDeletion;
import dev.renderbank.identity.DeletionOutcome;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.ledger.Balance;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A deleted account keeps nothing personal in the payment records, also of the provider webhooks that
 * arrive after the deletion (a refund or dispute made later, the cancelled plan's last events, a
 * renewal's invoice): they are verified, stored under their ids, applied as ever (a refund of a
 * deleted account's purchase is the deleted account's debt, carried to a new account of its mailbox),
 * but the buyer's address, name and postal address they
 * carry are erased as the deletion erases them. Before, the erasure ran once, at the deletion, and
 * every later event kept the buyer's fields in payment_event.payload.
 */
class DeletedAccountLateWebhooksTest extends BillingIntegrationTest {

    @Autowired
    AccountDeletion deletion;

    @Test
    void aCreemRefundArrivingAfterTheDeletionKeepsNothingPersonalAndCanBeReprocessed() throws Exception {
        UserAccount u = newUser();
        Buyer buyer = new Buyer(u.email());
        String order = "ord_" + UUID.randomUUID();
        creem(buyer.into(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990)));
        delete(u);

        String refundEvent = id("evt");
        String refund = id("ref");
        assertThat(creem(buyer.into(creemRefund(refundEvent, refund, order, 990)))
                        .statusCode())
                .isEqualTo(200);

        assertThat(eventStatus("creem", refundEvent)).isEqualTo("PROCESSED");
        assertThat(refunded(u)).isEqualTo(990);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 200)); // its debt, for its mailbox
        assertThat(personalDataLeft(buyer)).isEmpty();
        String kept = payload("creem", refundEvent);
        assertThat(kept).contains(refund, order, "990", "\"email\":\"erased\"");

        // an operator's view and reprocess of the erased event: it reads, and grants or takes nothing again
        UserAccount admin =
                users.create("ops-" + UUID.randomUUID() + "@example.com", "a-long-password-123", Role.ADMIN, true);
        String token = token(admin);
        long rowId = rowId("creem", refundEvent);
        HttpResponse<String> shown = api("GET", "/api/v1/admin/webhooks/" + rowId + "/payload", token, null);
        assertThat(shown.statusCode()).isEqualTo(200);
        assertThat(shown.body()).contains(refund).doesNotContain(u.email());
        jdbc.sql("update payment_event set status = 'FAILED', processed_at = null where id = :id")
                .param("id", rowId)
                .update(); // as if the deletion had erased it while it waited for a retry
        HttpResponse<String> again = reprocess(token, rowId);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(eventStatus("creem", refundEvent)).isEqualTo("PROCESSED");
        assertThat(refunded(u)).isEqualTo(990);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 200)); // its debt, for its mailbox
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    @Test
    void anEventStoredBeforeItsDeletedAccountCouldBeKnownIsErasedWhenARetryAppliesIt() throws Exception {
        UserAccount u = newUser();
        Buyer buyer = new Buyer(u.email());
        String order = "ord_" + UUID.randomUUID();
        delete(u);

        // the refund names an order not recorded yet: nothing tells whose it is, so it waits as sent
        String refundEvent = id("evt");
        creem(buyer.into(creemRefund(refundEvent, id("ref"), order, 990)));
        assertThat(eventStatus("creem", refundEvent)).isEqualTo("FAILED");

        // the order's checkout, paid after the deletion: recorded (its credits forfeited), the refund then retried
        String checkoutEvent = id("evt");
        creem(buyer.into(creemCheckout(checkoutEvent, order, u.id(), "prod_local_pack-200", 990)));
        assertThat(eventStatus("creem", checkoutEvent)).isEqualTo("PROCESSED");
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> assertThat(eventStatus("creem", refundEvent)).isEqualTo("PROCESSED"));

        assertThat(refunded(u)).isEqualTo(990);
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 200)); // its debt, for its mailbox
        assertThat(personalDataLeft(buyer)).isEmpty();
        assertThat(payload("creem", refundEvent)).contains(order, "\"email\":\"erased\"");
    }

    @Test
    void stripeEventsOfADeletedAccountsPlanArrivingAfterTheDeletionKeepNothingPersonal() throws Exception {
        YearlyPlan plan = yearlyPlan(true);
        UserAccount u = plan.user();
        Buyer buyer = new Buyer(u.email());
        delete(u);

        // the renewal's invoice, charged before the cancellation reached Stripe, then the plan's end
        Instant next = plan.end();
        String renewal = id("evt");
        stripe(buyer.intoStripe(StripeWebhookTest.invoice(
                u.id(),
                renewal,
                id("in"),
                plan.subscription(),
                "price_local_pro-yearly",
                19900,
                next,
                next.atZone(ZoneOffset.UTC).plusYears(1).toInstant(),
                "subscription_cycle")));
        String ended = id("evt");
        stripe(StripeWebhookTest.subscriptionDeleted(ended, plan.subscription(), clock.instant()));
        String dispute = id("evt");
        stripe(buyer.intoStripe(StripeWebhookTest.dispute(
                "charge.dispute.created", dispute, id("dp"), plan.charge(), plan.paymentIntent(), "needs_response")));

        assertThat(List.of(
                        eventStatus("stripe", renewal), eventStatus("stripe", ended), eventStatus("stripe", dispute)))
                .doesNotContain("RECEIVED", "FAILED");
        assertThat(ledger.balance(u.id()).available()).isZero();
        assertThat(personalDataLeft(buyer)).isEmpty();
        assertThat(payload("stripe", renewal)).contains(plan.subscription(), "\"customer_email\":\"erased\"");
        assertThat(payload("stripe", dispute)).contains(plan.charge(), "\"email\":\"erased\"");
        assertThat(ledger.checkInvariants().violations()).isEmpty();
    }

    /** The buyer's details as a provider sends them back: address, name and postal address, each unique. */
    private record Buyer(String email, String name, String street) {

        Buyer(String email) {
            this(email, "Jane " + UUID.randomUUID(), UUID.randomUUID() + " Buyer Street");
        }

        String customer() {
            return "{\"id\":\"cust_1\",\"object\":\"customer\",\"email\":\"%s\",\"name\":\"%s\",\"address\":{\"line1\":\"%s\",\"country\":\"DE\"}}"
                    .formatted(email, name, street);
        }

        /** A Creem event with its buyer: Creem's {@code customer} object. */
        String into(String creemEvent) {
            if (creemEvent.contains("\"customer\":{")) {
                return creemEvent.replaceFirst(
                        "\"customer\":\\{[^}]*}",
                        java.util.regex.Matcher.quoteReplacement("\"customer\":" + customer()));
            }
            return creemEvent.replace("\"reason\":", "\"customer\":" + customer() + ",\"reason\":");
        }

        /** A Stripe object with its buyer: {@code customer_email}, {@code customer_name}, {@code billing_details}. */
        String intoStripe(String stripeEvent) {
            String details =
                    ("\"customer_email\":\"%s\",\"customer_name\":\"%s\",\"customer_address\":{\"line1\":\"%s\"},"
                                    + "\"billing_details\":{\"email\":\"%s\",\"name\":\"%s\",\"address\":{\"line1\":\"%s\"}},")
                            .formatted(email, name, street, email, name, street);
            return stripeEvent
                    .replace("\"customer_email\":\"nobody@example.com\",", "")
                    .replaceFirst("\"data\":\\{\"object\":\\{", "\"data\":{\"object\":{" + details);
        }
    }

    private void delete(UserAccount u) {
        assertThat(deletion.delete(u.id(), "a-long-password-123")).isInstanceOf(DeletionOutcome.Deleted.class);
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(ledger.balance(u.id())).isEqualTo(new Balance(0, 0, 0));
            // the deletion's own erasure of the events stored before it is done
            assertThat(jdbc.sql("select count(*) from payment_event where strpos(payload, :e) > 0")
                            .param("e", u.email())
                            .query(Long.class)
                            .single())
                    .isZero();
        });
    }

    /**
     * Where the buyer's address, name or street is still stored: every text column of billing's
     * tables (the stored webhooks, purchases, checkouts, subscriptions, refunds, disputes …).
     */
    private List<String> personalDataLeft(Buyer buyer) {
        List<String> left = new ArrayList<>();
        List<String[]> columns = jdbc.sql("""
                        select table_name, column_name from information_schema.columns
                         where table_schema = current_schema()
                           and data_type in ('text', 'character varying', 'json', 'jsonb')
                           and (table_name like 'billing%' or table_name like 'payment%'
                                or table_name like 'webhook_signature%')""")
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)})
                .list();
        assertThat(columns).isNotEmpty();
        for (String[] c : columns) {
            for (String text : List.of(buyer.email(), buyer.name(), buyer.street())) {
                long rows = jdbc.sql(
                                "select count(*) from " + c[0] + " where strpos(cast(" + c[1] + " as text), :t) > 0")
                        .param("t", text)
                        .query(Long.class)
                        .single();
                if (rows > 0) {
                    left.add(c[0] + "." + c[1] + " holds " + text);
                }
            }
        }
        return left;
    }

    private long refunded(UserAccount u) {
        return jdbc.sql("select refunded_minor from billing_purchase where user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    private String payload(String provider, String eventId) {
        return jdbc.sql("select payload from payment_event where provider = :p and event_id = :e")
                .param("p", provider)
                .param("e", eventId)
                .query(String.class)
                .single();
    }

    private long rowId(String provider, String eventId) {
        return jdbc.sql("select id from payment_event where provider = :p and event_id = :e")
                .param("p", provider)
                .param("e", eventId)
                .query(Long.class)
                .single();
    }

    private HttpResponse<String> reprocess(String token, long rowId) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri("/api/v1/admin/webhooks/" + rowId + "/reprocess"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", "rp-" + UUID.randomUUID())
                        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"erased event, checked again\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.platform.OperatorAlerts;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A signed payment event naming an id (refund, dispute, charge, order …) that PostgreSQL cannot store
 * or index (a NUL character, sent as the JSON escape {@code \u0000}; thousands of characters) can
 * never be applied, on this attempt or any later one: it is recorded once, finished with a reason that
 * says what is wrong, an operator is told once, no credits move, and it is not retried. The event's
 * own id is the key it is stored under: one that cannot be stored is refused as malformed (400).
 */
class WebhookUnstorableIdTest extends BillingIntegrationTest {

    @Autowired
    OperatorAlerts alerts;

    /** Text that does not compress, far longer than any provider id (no btree index can hold it). */
    private static String huge(String prefix) {
        StringBuilder id = new StringBuilder(prefix);
        while (id.length() < 4000) {
            id.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return id.toString();
    }

    private int attempts(String provider, String eventId) {
        return jdbc.sql("select attempts from payment_event where provider = :p and event_id = :e")
                .param("p", provider)
                .param("e", eventId)
                .query(Integer.class)
                .single();
    }

    private String note(String provider, String eventId) {
        return jdbc.sql("select last_error from payment_event where provider = :p and event_id = :e")
                .param("p", provider)
                .param("e", eventId)
                .query(String.class)
                .single();
    }

    /** A new user's pack-200 (200 credits), bought through its provider's webhook: its order or payment intent. */
    private record Pack(UserAccount buyer, String ref) {}

    private Pack creemPack() throws Exception {
        UserAccount u = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        assertThat(available(u)).isEqualTo(200);
        return new Pack(u, order);
    }

    private Pack stripePack() throws Exception {
        UserAccount u = newUser();
        String pi = id("pi");
        stripe(StripeWebhookTest.session(id("evt"), opened(u.id(), "pack-200", id("cs")), pi, u.id(), "pack-200", 990));
        assertThat(available(u)).isEqualTo(200);
        return new Pack(u, pi);
    }

    /**
     * The event was answered 200, finished once as IGNORED saying why, is never due again, raised
     * billing.webhook.unusable, and the pack's 200 credits are untouched.
     */
    private void assertFinishedOnceAsUnusable(String provider, String eventId, HttpResponse<String> answer, Pack pack) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(eventStatus(provider, eventId)).isEqualTo("IGNORED");
        assertThat(attempts(provider, eventId)).isEqualTo(1);
        assertThat(note(provider, eventId)).contains("cannot be stored");
        clock.advance(Duration.ofHours(7)); // past every backoff step: nothing is due again
        awaitSweep();
        assertThat(attempts(provider, eventId)).isEqualTo(1);
        assertThat(alerts.recent(200))
                .filteredOn(a -> a.kind().equals("billing.webhook.unusable")
                        && a.message().contains(eventId))
                .isNotEmpty();
        assertThat(available(pack.buyer())).isEqualTo(200);
    }

    @Test
    void aCreemRefundWhoseIdHasANulCharacterIsRecordedOnceAndMovesNoCredits() throws Exception {
        Pack pack = creemPack();
        String event = id("evt");
        HttpResponse<String> answer = creem(creemRefund(event, "ref_odd\\u0000id", pack.ref(), 990));

        assertFinishedOnceAsUnusable("creem", event, answer, pack);
    }

    @Test
    void aCreemRefundWhoseIdIsTooLongToStoreIsRecordedOnceAndMovesNoCredits() throws Exception {
        Pack pack = creemPack();
        String event = id("evt");
        HttpResponse<String> answer = creem(creemRefund(event, huge("ref_"), pack.ref(), 990));

        assertFinishedOnceAsUnusable("creem", event, answer, pack);
    }

    @Test
    void aStripeDisputeWhoseIdHasANulCharacterIsRecordedOnceAndMovesNoCredits() throws Exception {
        Pack pack = stripePack();
        String event = id("evt");
        HttpResponse<String> answer = stripe(StripeWebhookTest.dispute(
                "charge.dispute.created", event, "dp_odd\\u0000id", id("ch"), pack.ref(), "needs_response"));

        assertFinishedOnceAsUnusable("stripe", event, answer, pack);
    }

    @Test
    void aStripeRefundOfAChargeWhoseIdIsTooLongToStoreIsRecordedOnceAndMovesNoCredits() throws Exception {
        Pack pack = stripePack();
        String event = id("evt");
        HttpResponse<String> answer = stripe(StripeWebhookTest.refunded(event, huge("ch_"), pack.ref(), 990, 990));

        assertFinishedOnceAsUnusable("stripe", event, answer, pack);
    }

    @Test
    void aSignedEventWhoseOwnIdHasANulCharacterIsRefusedAsMalformed() throws Exception {
        UserAccount u = newUser();
        HttpResponse<String> creem =
                creem(creemCheckout("evt_odd\\u0000id", id("ord"), u.id(), "prod_local_pack-200", 990));
        HttpResponse<String> stripe = stripe(StripeWebhookTest.session(
                "evt_odd\\u0000id", opened(u.id(), "pack-200", id("cs")), id("pi"), u.id(), "pack-200", 990));

        for (HttpResponse<String> r : java.util.List.of(creem, stripe)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(r.body()).contains("malformed-webhook");
        }
        assertThat(available(u)).isZero();
    }
}

package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.identity.UserAccount;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Signed webhooks whose fields carry text PostgreSQL cannot store (a NUL character, escaped in the
 * JSON as {@code \u0000}): the event is stored, so it is acknowledged (200); since no retry could
 * ever apply it, it is finished once with its reason (not retried), and it never stops the retries of
 * the other stored events. ({@link WebhookUnstorableIdTest} has the ids of refunds and disputes.)
 */
class WebhookOddTextTest extends BillingIntegrationTest {

    /** A Creem product id with a NUL in it, as the JSON escape the signed body carries. */
    private static final String NUL_PRODUCT = "prod_odd\\u0000text";

    private String oddEvent;

    @AfterEach
    void finishTheOddEvent() {
        // whatever the outcome, it must not stay due for the other tests of this shared context
        if (oddEvent != null) {
            jdbc.sql("update payment_event set status = 'IGNORED', next_attempt_at = null where event_id = :e")
                    .param("e", oddEvent)
                    .update();
        }
    }

    @Test
    void anEventNamingAProductWithANulCharacterIsFinishedOnceAndOthersAreStillRetried() throws Exception {
        UserAccount u = newUser();
        oddEvent = id("evt");
        HttpResponse<String> odd = creem(creemCheckout(oddEvent, id("ord"), u.id(), NUL_PRODUCT, 990));

        assertThat(odd.statusCode()).as(odd.body()).isEqualTo(200);
        assertThat(eventStatus("creem", oddEvent)).isEqualTo("IGNORED");
        assertThat(jdbc.sql("select last_error from payment_event where provider = 'creem' and event_id = :e")
                        .param("e", oddEvent)
                        .query(String.class)
                        .single())
                .contains("control character");
        assertThat(available(u)).isZero();

        // A refund that arrives before its purchase fails and is retried after the odd event is due again.
        clock.advance(Duration.ofSeconds(40));
        String order = id("ord");
        String refundEvent = id("evt");
        creem(creemRefund(refundEvent, id("ref"), order, 990));
        assertThat(eventStatus("creem", refundEvent)).isEqualTo("FAILED");
        creem(creemCheckout(id("evt"), order, u.id(), "prod_local_pack-200", 990));
        assertThat(available(u)).isEqualTo(200);

        clock.advance(Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(
                        () -> assertThat(eventStatus("creem", refundEvent)).isEqualTo("PROCESSED"));
        assertThat(available(u)).isZero();
    }

    @Test
    void anEventIgnoredForATextWithANulCharacterIsFinished() throws Exception {
        UserAccount u = newUser();
        oddEvent = id("evt");
        // an order in a status of no use: ignored, its note naming the status
        String event = creemCheckout(oddEvent, id("ord"), u.id(), "prod_local_pack-200", 990)
                .replace("\"status\":\"paid\"", "\"status\":\"pending\\u0000\"");

        HttpResponse<String> answer = creem(event);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(eventStatus("creem", oddEvent)).isEqualTo("IGNORED");
        assertThat(available(u)).isZero();
    }

    /** An event id far longer than any provider's, of text that does not compress (so no index can hold it). */
    private static String hugeId() {
        StringBuilder id = new StringBuilder("evt_");
        while (id.length() < 4000) {
            id.append(UUID.randomUUID().toString().replace("-", ""));
        }
        return id.toString();
    }

    @Test
    void aSignedEventWithAnIdTooLongToStoreIsRefusedAsMalformedAndNothingIsStored() throws Exception {
        UserAccount u = newUser();
        String creemId = hugeId();
        HttpResponse<String> creem = creem(creemCheckout(creemId, id("ord"), u.id(), "prod_local_pack-200", 990));
        String stripeId = hugeId();
        HttpResponse<String> stripe = stripe(StripeWebhookTest.session(
                stripeId, opened(u.id(), "pack-200", id("cs")), id("pi"), u.id(), "pack-200", 990));

        for (HttpResponse<String> r : java.util.List.of(creem, stripe)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
            assertThat(r.body()).contains("malformed-webhook");
        }
        assertThat(storedEvents("creem", creemId)).isZero();
        assertThat(storedEvents("stripe", stripeId)).isZero();
        assertThat(available(u)).isZero();
    }
}

package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import org.junit.jupiter.api.Test;

/**
 * Payment providers add fields to their events at any time: an event with fields renderbank has never
 * seen, at the top and inside its object, is processed as without them. The refusal of unknown fields
 * holds for what users and operators send (UnknownBodyFieldsTest), never for the payment webhooks.
 */
class PaymentWebhookNewFieldsTest extends BillingIntegrationTest {

    @Test
    void aStripeEventWithFieldsRenderbankDoesNotKnowGrantsThePack() throws Exception {
        UserAccount u = newUser();
        String event = withNewFields(StripeWebhookTest.session(
                id("evt"), opened(u.id(), "pack-1000", id("cs")), id("pi"), u.id(), "pack-1000", 4500));

        assertThat(stripe(event).statusCode()).isEqualTo(200);
        assertThat(available(u)).isEqualTo(1000);
    }

    @Test
    void aCreemEventWithFieldsRenderbankDoesNotKnowGrantsThePack() throws Exception {
        UserAccount u = newUser();
        String event = withNewFields(creemCheckout(id("evt"), id("ord"), u.id(), "prod_local_pack-200", 990));

        assertThat(creem(event).statusCode()).isEqualTo(200);
        assertThat(available(u)).isEqualTo(200);
    }

    /** The event with a field of its own added at the top and at the start of its object. */
    private static String withNewFields(String event) {
        String top = event.replaceFirst("\\{", "{\"renderbank_never_saw_this\":{\"nested\":[1,true]},");
        return top.replaceFirst("\"object\":\\{", "\"object\":{\"added_by_the_provider_later\":\"x\",");
    }
}

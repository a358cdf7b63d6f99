package dev.renderbank.billing.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a deleted account's payment events keep: ids, amounts and statuses, never the buyer's
 * address, name, phone, postal address or IP address, wherever the provider puts them.
 */
class PersonalFieldsTest {

    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * A Stripe dispute carries the evidence the merchant may submit, which Stripe pre-fills from the
     * charge: the buyer's email, name, billing and shipping addresses and the IP address they paid from.
     */
    @Test
    void aStripeDisputesEvidenceKeepsNothingOfTheBuyer() {
        JsonNode event = json.readTree("""
                {"id":"evt_1","type":"charge.dispute.created","data":{"object":{
                  "id":"dp_1","amount":1990,"currency":"usd","charge":"ch_1","status":"needs_response",
                  "evidence":{"customer_email_address":"mia@example.com","customer_name":"Mia Example",
                    "billing_address":"1 Main St, Springfield","shipping_address":"2 Side St, Springfield",
                    "customer_purchase_ip":"203.0.113.7","shipping_carrier":"UPS","product_description":"credits"}}}}
                """);

        assertThat(PersonalFields.erase(event)).isTrue();

        String erased = event.toString();
        assertThat(erased)
                .doesNotContain("mia@example.com", "Mia Example", "Main St", "Side St", "203.0.113.7")
                .contains(
                        "\"id\":\"dp_1\"",
                        "\"amount\":1990",
                        "\"charge\":\"ch_1\"",
                        "\"product_description\":\"credits\"");
        assertThat(PersonalFields.erase(event)).as("idempotent").isFalse();
    }
}

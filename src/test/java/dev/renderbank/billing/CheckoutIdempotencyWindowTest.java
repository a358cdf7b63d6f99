package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * SPEC section 4 and API.md: a checkout's Idempotency-Key is kept 24 hours. A repeat 23 hours after
 * the first answers as the first did (the same checkout, no new one opened); a repeat 24 hours and a
 * second after it is a new request: a new checkout with its own link.
 */
class CheckoutIdempotencyWindowTest extends BillingIntegrationTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aCheckoutKeyIsKeptTwentyFourHoursAndARepeatAfterThatOpensANewCheckout() throws Exception {
        UserAccount u = newUser();
        String token = token(u);
        var first = keyed(token, "kept-24h", "pack-200");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String checkoutId = json.readTree(first.body()).path("checkoutId").asString();

        clock.advance(Duration.ofHours(23));
        var within = keyed(token, "kept-24h", "pack-200");
        assertThat(within.statusCode()).as(within.body()).isEqualTo(200);
        assertThat(within.body()).as("the first answer").isEqualTo(first.body());
        assertThat(checkouts(u)).isEqualTo(1);

        clock.advance(Duration.ofHours(1).plusSeconds(1));
        var after = keyed(token, "kept-24h", "pack-200");
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        assertThat(json.readTree(after.body()).path("checkoutId").asString())
                .as("a new checkout")
                .startsWith("chk_")
                .isNotEqualTo(checkoutId);
        assertThat(checkouts(u)).isEqualTo(2);
        assertThat(keyed(token, "kept-24h", "pack-200").body())
                .as("the key now answers with the new checkout")
                .isEqualTo(after.body());
    }

    private long checkouts(UserAccount u) {
        return jdbc.sql("select count(*) from billing_checkout where user_id = :u")
                .param("u", u.id())
                .query(Long.class)
                .single();
    }

    private HttpResponse<String> keyed(String token, String key, String product) throws Exception {
        return http.send(
                HttpRequest.newBuilder(uri("/api/v1/checkout"))
                        .header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"product\":\"" + product + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

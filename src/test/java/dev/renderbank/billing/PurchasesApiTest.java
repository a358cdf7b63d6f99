package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.UserAccount;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/purchases}: the caller's own purchases, newest first, a page at a time. */
class PurchasesApiTest extends BillingIntegrationTest {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void anonymousCallersAreRefused() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri("/api/v1/purchases")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void listsOnlyTheCallersPurchasesNewestFirstPageByPage() throws Exception {
        UserAccount buyer = newUser();
        UserAccount other = newUser();
        creem(creemCheckout(id("evt"), id("ord"), buyer.id(), "prod_local_pack-200", 990));
        clock.advance(Duration.ofMinutes(1));
        creem(creemCheckout(id("evt"), id("ord"), other.id(), "prod_local_pack-1000", 4500));
        creem(creemCheckout(id("evt"), id("ord"), buyer.id(), "prod_local_pack-500", 2290));
        clock.advance(Duration.ofMinutes(1));
        creem(creemCheckout(id("evt"), id("ord"), buyer.id(), "prod_local_pack-2000", 8900));
        String token = token(buyer);

        JsonNode first = get("/api/v1/purchases?limit=2", token);
        assertThat(products(first)).containsExactly("pack-2000", "pack-500");
        JsonNode item = first.path("items").path(0);
        assertThat(item.path("credits").asLong()).isEqualTo(2000);
        assertThat(item.path("amountMinor").asLong()).isEqualTo(8900);
        assertThat(item.path("currency").asString()).isEqualTo("USD");
        assertThat(item.path("state").asString()).isEqualTo("paid");
        assertThat(item.path("createdAt").asString()).isNotBlank();
        String cursor = first.path("nextCursor").asString();
        assertThat(cursor).isNotBlank();

        JsonNode second = get("/api/v1/purchases?limit=2&cursor=" + cursor, token);
        assertThat(products(second)).containsExactly("pack-200");
        assertThat(second.path("nextCursor").isNull()).isTrue();

        assertThat(products(get("/api/v1/purchases", token(other)))).containsExactly("pack-1000");
    }

    @Test
    void aRefundedPurchaseSaysSo() throws Exception {
        UserAccount buyer = newUser();
        String order = id("ord");
        creem(creemCheckout(id("evt"), order, buyer.id(), "prod_local_pack-200", 990));
        creem(creemRefund(id("evt"), id("ref"), order, 990));

        JsonNode item = get("/api/v1/purchases", token(buyer)).path("items").path(0);
        assertThat(item.path("state").asString()).isEqualTo("refunded");
        assertThat(item.path("refundedMinor").asLong()).isEqualTo(990);
    }

    @Test
    void aBadCursorOrLimitIsABadRequestThatSaysWhy() throws Exception {
        String token = token(newUser());
        HttpResponse<String> cursor = api("GET", "/api/v1/purchases?cursor=abc", token, null);
        assertThat(cursor.statusCode()).isEqualTo(400);
        assertThat(cursor.body()).contains("cursor");
        HttpResponse<String> limit = api("GET", "/api/v1/purchases?limit=0", token, null);
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(limit.body()).contains("limit");
        // like every 400: errors[{field, message}]
        assertThat(json.readTree(limit.body())
                        .path("errors")
                        .path(0)
                        .path("message")
                        .asString())
                .contains("limit");
        for (String never : new String[] {"0", "-1"}) {
            HttpResponse<String> notHandedOut = api("GET", "/api/v1/purchases?cursor=" + never, token, null);
            assertThat(notHandedOut.statusCode()).as("cursor " + never).isEqualTo(400);
            assertThat(notHandedOut.body()).contains("cursor");
        }
    }

    @Test
    void aBodyThatIsNotJsonIsABadRequestWithErrorsLikeEveryOther() throws Exception {
        HttpResponse<String> r = api("POST", "/api/v1/checkout", token(newUser()), "{\"productId\":");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.path("type").asString()).endsWith("malformed-body");
        assertThat(problem.path("errors").path(0).path("field").asString()).isEqualTo("body");
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpResponse<String> r = api("GET", path, token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private static List<String> products(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("items").forEach(i -> out.add(i.path("product").asString()));
        return out;
    }
}

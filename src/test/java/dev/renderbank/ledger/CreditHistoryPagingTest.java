package dev.renderbank.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import dev.renderbank.support.TestUsers.TestUser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/credits/history} with paging parameters it cannot honour: a 400 problem+json
 * naming the field and what it accepts ({@code errors:[{field, message}]}), never a 500 and never
 * a page of some other size than asked for or a silently empty one.
 */
class CreditHistoryPagingTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    Api api;
    TestUser user;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        user = users.create(100);
        ledger.grant(user.id(), 5, GrantSource.ADMIN, "paging-test:" + user.id(), null, "test");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "limit=0                    | limit  | between 1 and 200",
                "limit=-1                   | limit  | between 1 and 200",
                "limit=201                  | limit  | between 1 and 200",
                "limit=100000               | limit  | between 1 and 200",
                "limit=99999999999          | limit  | between 1 and 200",
                "limit=abc                  | limit  | between 1 and 200",
                "limit=1.5                  | limit  | between 1 and 200",
                "cursor=abc                 | cursor | nextCursor",
                "cursor=-1                  | cursor | nextCursor",
                "cursor=0                   | cursor | nextCursor",
                "cursor=99999999999999999999 | cursor | nextCursor",
                "page=-1                    | page   | cursor",
                "page=2                     | page   | cursor",
                "size=0                     | size   | limit",
                "size=100000                | size   | limit",
                "offset=10                  | offset | cursor",
            })
    void badPagingIsA400NamingTheFieldAndWhatItTakes(String query, String field, String says) {
        Api.Response r = api.get("/api/v1/credits/history?" + query, user.token());

        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonNode error = r.json().get("errors").get(0);
        assertThat(error.get("field").asString()).as(r.body()).isEqualTo(field);
        assertThat(error.get("message").asString()).as(r.body()).contains(says);
        assertThat(r.json().get("detail").asString()).as(r.body()).contains(field);
    }

    @Test
    void theApiDescriptionGivesLimitAsAWholeNumberFrom1To200() {
        Api.Response docs = api.get("/v3/api-docs", null);
        assertThat(docs.status()).isEqualTo(200);
        JsonNode limit = null;
        for (JsonNode p : docs.json().at("/paths/~1api~1v1~1credits~1history/get/parameters")) {
            if (p.get("name").asString().equals("limit")) {
                limit = p.get("schema");
            }
        }
        assertThat(limit).as("limit parameter").isNotNull();
        assertThat(limit.get("type").asString()).isEqualTo("integer");
        assertThat(limit.get("minimum").asInt()).isEqualTo(1);
        assertThat(limit.get("maximum").asInt()).isEqualTo(200);
    }

    @Test
    void goodPagingWalksTheHistoryANumberOfEntriesAtATime() {
        Api.Response first = api.get("/api/v1/credits/history?limit=1", user.token());
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("items").size()).isEqualTo(1);
        String cursor = first.json().get("nextCursor").asString();

        Api.Response second = api.get("/api/v1/credits/history?limit=200&cursor=" + cursor, user.token());
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(second.json().get("items").size()).isEqualTo(1);
        assertThat(second.json().get("nextCursor").isNull()).isTrue();
    }
}

package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.TestUsers.TestUser;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The list's cursor is opaque, but it comes back from the client: one this API never returned (a
 * NUL in it, a time PostgreSQL cannot store, an id no job has) is the caller's mistake, a 400
 * problem, never a 500.
 */
class JobListCursorTest extends StubbedKieTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-01-01T00:00:00Z|gen_\u0000x",
                "+999999999-12-31T23:59:59Z|gen_x",
                "+300000-01-01T00:00:00Z|gen_x",
                "2026-01-01T00:00:00Z|gen_x|y z"
            })
    void aCursorThisApiNeverReturnedIsA400NamingIt(String decoded) {
        TestUser u = users.create(100);
        String cursor =
                Base64.getUrlEncoder().withoutPadding().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
        Api.Response r = api.get("/api/v1/generations?cursor=" + cursor, u.token());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("cursor");
    }

    /** Control characters sent as they are (not base64), which no returned cursor holds. */
    @ParameterizedTest
    @ValueSource(strings = {"%00", "gen%00x", "%07", "%C2%80"})
    void aCursorWithControlCharactersIsA400NamingIt(String raw) {
        TestUser u = users.create(100);
        Api.Response r = api.get("/api/v1/generations?limit=5&cursor=" + raw, u.token());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("errors").get(0).get("field").asString())
                .as(r.body())
                .isEqualTo("cursor");
    }

    /**
     * page, size and offset are another API's paging: a 400 naming them, not the first page as if
     * honoured (the history and purchases lists answer the same); the last page says nextCursor null.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/generations", "/api/v1/purchases"})
    void foreignPagingIsA400NamingItAndTheLastPageSaysNextCursorNull(String list) {
        TestUser u = users.create(100);
        for (String param : new String[] {"page", "size", "offset"}) {
            Api.Response r = api.get(list + "?" + param + "=2", u.token());
            assertThat(r.status()).as(param + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo(param);
        }
        Api.Response last = api.get(list, u.token());
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.json().has("nextCursor")).as(last.body()).isTrue();
        assertThat(last.json().get("nextCursor").isNull()).isTrue();
    }
}

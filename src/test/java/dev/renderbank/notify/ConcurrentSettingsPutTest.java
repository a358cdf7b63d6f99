package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Concurrently;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.LockWaits;
import dev.renderbank.support.TestUsers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two {@code PUT /api/v1/notification-settings} at once, each setting both fields to its own values:
 * the settings afterwards are one PUT's pair or the other's, never one field from each, and each PUT
 * answers the pair it wrote. The test holds the settings row while both PUTs start, so both wait for
 * it and then run side by side; a PUT written as two statements (one per field) could interleave
 * with the other and leave a mix.
 */
class ConcurrentSettingsPutTest extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ROUNDS = 12;

    @LocalServerPort
    int port;

    @Autowired
    TestUsers users;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void twoPutsAtOnceLeaveOnePairNeverAMix() throws Exception {
        TestUsers.TestUser u = users.create(0);
        assertThat(put(u.token(), "{\"generationEmails\":true}").statusCode()).isEqualTo(200);

        List<List<Pair>> answers = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Pair a = new Pair(true, 1_000 + round);
            Pair b = new Pair(false, 2_000 + round);
            CompletableFuture<HttpResponse<String>> answerA = new CompletableFuture<>();
            CompletableFuture<HttpResponse<String>> answerB = new CompletableFuture<>();
            tx.executeWithoutResult(s -> {
                jdbc.sql("select user_id from notification_setting where user_id = :u for update")
                        .param("u", u.id())
                        .query(Long.class)
                        .single();
                Concurrently.completeInBackground(answerA, () -> putQuietly(u.token(), a.json()));
                Concurrently.completeInBackground(answerB, () -> putQuietly(u.token(), b.json()));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> LockWaits.waiting(jdbc) >= 2 || answerA.isDone() || answerB.isDone());
            });

            HttpResponse<String> ra = answerA.get(30, TimeUnit.SECONDS);
            HttpResponse<String> rb = answerB.get(30, TimeUnit.SECONDS);
            assertThat(ra.statusCode()).as(ra.body()).isEqualTo(200);
            assertThat(rb.statusCode()).as(rb.body()).isEqualTo(200);
            Pair stored = stored(u.id());
            assertThat(stored).as("settings after round " + round).isIn(a, b);
            answers.add(List.of(a, Pair.of(JSON.readTree(ra.body()))));
            answers.add(List.of(b, Pair.of(JSON.readTree(rb.body()))));
        }
        // each PUT answers what it wrote, not a read that the other PUT may have changed in between
        assertThat(answers)
                .allSatisfy(
                        sentAndAnswered -> assertThat(sentAndAnswered.get(1)).isEqualTo(sentAndAnswered.get(0)));
    }

    record Pair(boolean generationEmails, long creditsLowThreshold) {
        String json() {
            return "{\"generationEmails\":" + generationEmails + ",\"creditsLowThreshold\":" + creditsLowThreshold
                    + "}";
        }

        static Pair of(JsonNode n) {
            return new Pair(
                    n.get("generationEmails").asBoolean(),
                    n.get("creditsLowThreshold").asLong());
        }
    }

    private Pair stored(long userId) {
        return jdbc.sql("select generation_emails, credits_low_threshold from notification_setting where user_id = :u")
                .param("u", userId)
                .query((rs, i) -> new Pair(rs.getBoolean(1), rs.getLong(2)))
                .single();
    }

    private HttpResponse<String> putQuietly(String token, String body) {
        try {
            return put(token, body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> put(String token, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/notification-settings"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

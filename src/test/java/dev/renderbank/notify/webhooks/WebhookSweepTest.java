package dev.renderbank.notify.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Delivered and failed deliveries are deleted with their attempts {@code
 * renderbank.webhooks.delivery-retention} (90 days) after they were created or last resent; a pending
 * one never is.
 */
class WebhookSweepTest extends IntegrationTest {

    @Autowired
    TestUsers testUsers;

    @Autowired
    WebhookSweep sweep;

    @Autowired
    JdbcClient jdbc;

    @LocalServerPort
    int port;

    @Test
    void deliveriesDoneWithGoWithTheirAttemptsAfterTheRetention() {
        TestUsers.TestUser u = testUsers.create(0);
        Api.Response r = new Api(port)
                .post(
                        "/api/v1/webhook-endpoints",
                        u.token(),
                        "{\"url\":\"http://127.0.0.1:9/sweep\",\"events\":[\"credits.granted\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String endpoint = r.json().get("id").asString();
        Instant now = clock.instant();
        // created long ago, rather than the sweep run far ahead: other classes' rows stay as they are
        String recent = delivery(endpoint, u.id(), "DELIVERED", now.minus(Duration.ofDays(89)));
        String delivered = delivery(endpoint, u.id(), "DELIVERED", now.minus(Duration.ofDays(91)));
        String failed = delivery(endpoint, u.id(), "FAILED", now.minus(Duration.ofDays(91)));
        String pending = delivery(endpoint, u.id(), "PENDING", now.minus(Duration.ofDays(91)));
        // created long ago, resent by its owner last week: its new attempts are as recent as the resend
        String resent = delivery(endpoint, u.id(), "DELIVERED", now.minus(Duration.ofDays(91)));
        jdbc.sql("update webhook_delivery set resent_at = :at where id = :id")
                .param("at", Timestamp.from(now.minus(Duration.ofDays(7))))
                .param("id", resent)
                .update();

        sweep.sweep(now);

        assertThat(count("webhook_delivery", "id", resent))
                .as("resent within the retention")
                .isEqualTo(1);

        assertThat(count("webhook_delivery", "id", recent))
                .as("within the retention")
                .isEqualTo(1);
        assertThat(count("webhook_attempt", "delivery_id", recent)).isEqualTo(1);
        for (String gone : new String[] {delivered, failed}) {
            assertThat(count("webhook_delivery", "id", gone)).as(gone).isZero();
            assertThat(count("webhook_attempt", "delivery_id", gone)).as(gone).isZero();
        }
        assertThat(count("webhook_delivery", "id", pending))
                .as("still being sent")
                .isEqualTo(1);
    }

    private String delivery(String endpoint, long userId, String status, Instant createdAt) {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        jdbc.sql("""
                        insert into webhook_delivery (id, endpoint_id, user_id, event_key, event_type, body, status,
                                    attempts, next_attempt_at, give_up_at, created_at)
                        values (:id, :e, :u, :key, 'credits.granted', '{}', :status, 1, :later, :later, :at)""")
                .param("id", id)
                .param("e", endpoint)
                .param("u", userId)
                .param("key", "sweep|" + id)
                .param("status", status)
                .param("later", Timestamp.from(clock.instant().plus(Duration.ofDays(1))))
                .param("at", Timestamp.from(createdAt))
                .update();
        jdbc.sql(
                        "insert into webhook_attempt (delivery_id, attempt, started_at, status_code) values (:id, 1, :at, 200)")
                .param("id", id)
                .param("at", Timestamp.from(createdAt))
                .update();
        return id;
    }

    private long count(String table, String column, String id) {
        return jdbc.sql("select count(*) from " + table + " where " + column + " = :id")
                .param("id", id)
                .query(Long.class)
                .single();
    }
}

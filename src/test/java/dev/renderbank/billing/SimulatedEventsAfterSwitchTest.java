package dev.renderbank.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.SharedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A database that ran with simulated payments, then switched to Creem: a simulated payment event
 * still waiting for a retry (stored by an older version, under {@code creem}) is never granted
 * (issue 9, item 2: stored simulated checkouts cannot be completed in another mode).
 */
class SimulatedEventsAfterSwitchTest {

    @Test
    void aStoredSimulatedPaymentIsNeverGrantedOncePaymentsAreReal(@TempDir Path dataDir) throws Exception {
        String db = SharedPostgres.newDatabase();
        // the schema as it was before simulated events had their own provider
        SharedPostgres.migrate(db, "1.6.1");
        long userId;
        try (Connection c = DriverManager.getConnection(db, "postgres", "postgres")) {
            userId = insertUser(c, "beta-tester@example.com");
            insertFailedSimulatedEvent(c, userId, "chk_beta0001");
        }

        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(RenderbankApplication.class)
                .web(WebApplicationType.NONE)
                .run(
                        "--spring.datasource.url=" + db,
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--renderbank.data-dir=" + dataDir,
                        "--renderbank.demo.enabled=false",
                        "--renderbank.provider.kie.api-key=live-kie-key",
                        "--renderbank.provider.kie.base-url=http://127.0.0.1:9",
                        "--renderbank.payments.provider=creem",
                        "--renderbank.payments.sweep-interval=300ms",
                        "--db-scheduler.polling-interval=200ms",
                        "--CREEM_API_KEY=creem_live_key",
                        "--CREEM_WEBHOOK_SECRET=creem-live-webhook-secret-31")) {
            JdbcClient jdbc = app.getBean(JdbcClient.class);
            // the retry sweep looks at it within a second; it must end IGNORED, never PROCESSED
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !status(jdbc).equals("FAILED"));
            assertThat(status(jdbc)).isEqualTo("IGNORED");
            assertThat(app.getBean(Ledger.class).balance(userId).balance()).isZero();
            assertThat(jdbc.sql("select count(*) from ledger_entry")
                            .query(Long.class)
                            .single())
                    .isZero();
        }
    }

    private static String status(JdbcClient jdbc) {
        return jdbc.sql("select status from payment_event where event_id = 'sim_evt_chk_beta0001_checkout'")
                .query(String.class)
                .single();
    }

    private static long insertUser(Connection c, String email) throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "insert into app_user (email, password_hash, role, email_verified) values (?, 'x', 'USER', true)"
                        + " returning id")) {
            s.setString(1, email);
            ResultSet rs = s.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What the simulated checkout stored for a pack before, left failed and due for a retry. */
    private static void insertFailedSimulatedEvent(Connection c, long userId, String checkoutId) throws Exception {
        String payload = """
                {"id":"sim_evt_%1$s_checkout","eventType":"checkout.completed","created_at":1764460800000,
                 "object":{"id":"sim_ch_%1$s","object":"checkout","request_id":"%1$s","status":"completed",
                  "order":{"id":"sim_ord_%1$s","product":"prod_local_pack-200","amount":990,"currency":"USD",
                           "status":"paid","type":"onetime"},
                  "product":{"id":"prod_local_pack-200","price":990},
                  "customer":{"email":"beta-tester@example.com"},
                  "metadata":{"userId":"%2$d","product":"pack-200","checkoutId":"%1$s"}}}""".formatted(checkoutId, userId);
        try (PreparedStatement s = c.prepareStatement("""
                insert into payment_event (provider, event_id, event_type, payload, status, attempts, last_error,
                                           next_attempt_at, received_at)
                values ('creem', ?, 'checkout.completed', ?, 'FAILED', 1, 'unknown user', now(), now())""")) {
            s.setString(1, "sim_evt_" + checkoutId + "_checkout");
            s.setString(2, payload);
            s.executeUpdate();
        }
    }
}

package dev.renderbank.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.billing.PurchaseCompleted;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.platform.DurableEvents;
import dev.renderbank.support.SharedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The application stops after the business commit and before anything was sent; the next start on
 * the same database sends the email, once.
 */
class MailRestartTest {

    final Inbox inbox = new Inbox();

    @TempDir
    Path dataDir;

    @AfterEach
    void stop() {
        inbox.stop();
    }

    @Test
    void anEmailWhoseCauseCommittedBeforeAStopIsSentAfterTheRestart() throws Exception {
        inbox.start();
        String db = SharedPostgres.newDatabase();
        int port = freePort();
        long userId;
        String email = "restart-mail@test.local";
        // a node that polls once at start and never again: nothing after our commit runs on it
        try (ConfigurableApplicationContext first = start(
                db, port, "--db-scheduler.polling-interval=1h", "--db-scheduler.immediate-execution-enabled=false")) {
            userId = first.getBean(Users.class)
                    .create(email, "correct horse battery staple", Role.USER, true)
                    .id();
            first.getBean(TransactionTemplate.class)
                    .executeWithoutResult(s -> first.getBean(DurableEvents.class)
                            .publish(new PurchaseCompleted(userId, "pack-200", 200, 990, "USD", "restart-order")));
            JdbcClient jdbc = first.getBean(JdbcClient.class);
            assertThat(jdbc.sql("select count(*) from scheduled_tasks where task_instance = :i")
                            .param("i", "notify.purchase-mail:purchase:restart-order")
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
        }
        assertThat(inbox.to(email)).isEmpty(); // stopped after the commit, before any sending
        try (ConfigurableApplicationContext second = start(db, port)) {
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> inbox.to(email).size() == 1);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> jdbc.sql(
                                    "select status from mail_outbox where message_key like 'purchase:restart-order|%'")
                            .query(String.class)
                            .single()
                            .equals("SENT"));
            assertThat(inbox.to(email))
                    .singleElement()
                    .satisfies(m -> assertThat(m.subject()).contains("200 credits added"));
        }
    }

    private ConfigurableApplicationContext start(String db, int port, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.datasource.url=" + db,
                "--spring.datasource.username=postgres",
                "--spring.datasource.password=postgres",
                "--server.port=" + port,
                "--renderbank.public-url=http://localhost:" + port,
                "--renderbank.data-dir=" + dataDir,
                "--renderbank.demo.enabled=false",
                "--spring.mail.host=127.0.0.1",
                "--spring.mail.port=" + inbox.port,
                "--renderbank.mail.send-interval=200ms"));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(RenderbankApplication.class)
                .profiles("test")
                .run(args.toArray(String[]::new));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

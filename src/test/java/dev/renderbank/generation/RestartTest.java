package dev.renderbank.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.renderbank.RenderbankApplication;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.GrantSource;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.Api;
import dev.renderbank.support.SharedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Stop the process mid-job, start it again: the job finishes and is charged once. */
class RestartTest {

    @Test
    void aJobInterruptedByARestartFinishesAndIsChargedOnce() throws Exception {
        String db = SharedPostgres.newDatabase();
        int port = freePort();
        Path dataDir = Files.createTempDirectory("renderbank-restart");
        String taskId;
        String token;
        long userId;
        try (ConfigurableApplicationContext first = start(db, port, dataDir)) {
            Users users = first.getBean(Users.class);
            UserAccount u = users.create("restart@test.local", "correct horse battery staple", Role.USER, true);
            userId = u.id();
            first.getBean(Ledger.class).grant(userId, 100, GrantSource.ADMIN, "restart-grant", null, "test");
            token = users.issueToken(userId, "test");
            Api api = new Api(port);
            Api.Response r = api.post("/api/v1/generate-video", token, "{\"model\":\"sora-2\",\"prompt\":\"restart\"}");
            assertThat(r.status()).isEqualTo(202);
            taskId = r.json().get("taskId").asString();
            String id = taskId;
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                String s = api.get("/api/v1/generations/" + id, token)
                        .json()
                        .get("status")
                        .asString();
                return s.equals("processing");
            });
        }
        try (ConfigurableApplicationContext second = start(db, port, dataDir)) {
            Api api = new Api(port);
            String id = taskId;
            await().atMost(Duration.ofSeconds(40))
                    .until(() -> api.get("/api/v1/generations/" + id, token)
                            .json()
                            .get("status")
                            .asString()
                            .equals("completed"));
            Ledger ledger = second.getBean(Ledger.class);
            assertThat(ledger.balance(userId)).isEqualTo(new Balance(75, 0, 0));
            long captures = second.getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
                    .sql("select count(*) from ledger_entry where ref_key = :k and kind = 'CAPTURE'")
                    .param("k", id)
                    .query(Long.class)
                    .single();
            assertThat(captures).isEqualTo(1);
            assertThat(ledger.checkInvariants().violations()).isEmpty();
        }
    }

    private static ConfigurableApplicationContext start(String db, int port, Path dataDir) {
        return new SpringApplicationBuilder(RenderbankApplication.class)
                .profiles("test")
                .run(
                        "--spring.datasource.url=" + db,
                        "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres",
                        "--server.port=" + port,
                        "--renderbank.public-url=http://localhost:" + port,
                        "--renderbank.data-dir=" + dataDir,
                        "--renderbank.demo.enabled=false",
                        "--renderbank.limits.cooldown.video=0",
                        "--renderbank.simulator.video-duration=6s",
                        "--renderbank.jobs.first-poll=500ms",
                        "--renderbank.jobs.max-poll=1s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

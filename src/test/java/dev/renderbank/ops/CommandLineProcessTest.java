package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.renderbank.RenderbankApplication;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.ChildJvm;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The command line as an operator runs it: the application's {@code main} in a JVM of its own (main
 * classes and dependencies only), against this test's database. A command runs no scheduler (it would
 * run due work, a job's submit or emails, and be cut off when the command exits: it did, as its
 * "db-scheduler.enabled=false" was a default property that application.yml overrode), yet its changes
 * publish durable events (a grant's {@code credits.granted}, a failed job's {@code generation.failed}),
 * stored for the service's nodes to handle. {@code OpsCommandsTest} runs the commands inside the
 * service's context, so it could see neither.
 */
class CommandLineProcessTest extends IntegrationTest {

    @Autowired
    DataSource dataSource;

    @Autowired
    TestUsers users;

    @Autowired
    Ledger ledger;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    dev.renderbank.provider.simulator.KieSimulator simulator;

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    @Test
    void aGrantByTheRealCommandLineIsMadeWithItsEventStoredForTheService() throws Exception {
        TestUsers.TestUser u = users.create(0);
        HikariDataSource db = dataSource.unwrap(HikariDataSource.class);
        Path log = Path.of("target", "cli-" + UUID.randomUUID() + ".log");
        ChildJvm cli = ChildJvm.start(
                log,
                false,
                RenderbankApplication.class.getName(),
                "credits",
                "grant",
                u.email(),
                "50",
                "--reason",
                "apology from the command line",
                "--actor",
                "tester",
                "--spring.datasource.url=" + db.getJdbcUrl(),
                "--spring.datasource.username=" + db.getUsername(),
                "--spring.datasource.password=" + (db.getPassword() == null ? "" : db.getPassword()),
                "--logging.level.com.github.kagkarlsson=INFO");
        assertThat(cli.process().waitFor(120, TimeUnit.SECONDS))
                .as("the command ends")
                .isTrue();
        assertThat(cli.process().exitValue()).as(cli.tail()).isZero();
        assertThat(cli.output())
                .as("no scheduler runs in a command: it would run due work (a submit, emails) and be cut off at exit")
                .doesNotContain("Starting scheduler");
        assertThat(ledger.balance(u.id()).available()).isEqualTo(50);
        assertThat(jdbc.sql("select count(*) from operator_action where actor = 'tester' and target like :t")
                        .param("t", "%" + u.id() + "%")
                        .query(Long.class)
                        .single())
                .as("audited")
                .isEqualTo(1);
    }

    /**
     * {@code jobs check} from the command line does not ask the provider and copy a finished result
     * itself: its storage need not be the service's (another directory, host or container), and a
     * result copied there would be charged to the user and never found by the service's nodes (404).
     * It makes the job's task due now for a node of the service, and says so.
     */
    @Test
    void jobsCheckHandsTheJobToTheServiceAndCopiesNothingItself() throws Exception {
        TestUsers.TestUser u = users.create(100);
        simulator.setImageDuration(java.time.Duration.ofMinutes(10));
        Path storage = java.nio.file.Files.createTempDirectory("cli-assets");
        HikariDataSource db = dataSource.unwrap(HikariDataSource.class);
        try {
            String taskId = new dev.renderbank.support.Api(port)
                    .post("/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"cli check\"}")
                    .json()
                    .get("taskId")
                    .asString();
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> jdbc.sql("select provider_task_id from generation_job where id = :id")
                            .param("id", taskId)
                            .query(String.class)
                            .optional()
                            .isPresent());
            ChildJvm cli = ChildJvm.start(
                    Path.of("target", "cli-" + UUID.randomUUID() + ".log"),
                    false,
                    RenderbankApplication.class.getName(),
                    "jobs",
                    "check",
                    taskId,
                    "--spring.datasource.url=" + db.getJdbcUrl(),
                    "--spring.datasource.username=" + db.getUsername(),
                    "--spring.datasource.password=" + (db.getPassword() == null ? "" : db.getPassword()),
                    "--renderbank.storage.local.dir=" + storage,
                    "--renderbank.jobs.operator-check-wait=2s");
            assertThat(cli.process().waitFor(120, TimeUnit.SECONDS))
                    .as("the command ends")
                    .isTrue();
            assertThat(cli.process().exitValue()).as(cli.tail()).isZero();
            assertThat(cli.output()).as(cli.tail()).contains("handed to the service");
            try (var files = java.nio.file.Files.walk(storage)) {
                assertThat(files.filter(java.nio.file.Files::isRegularFile)).isEmpty();
            }
        } finally {
            simulator.reset();
        }
    }

    /**
     * The README runs the jar with {@code --spring.profiles.active=prod}; an operator who puts such
     * {@code --key=value} arguments before the command word gets the command, not the web service
     * (only the first argument was looked at: the service started and never exited).
     */
    @Test
    void springArgumentsBeforeTheCommandWordRunTheCommand() throws Exception {
        TestUsers.TestUser u = users.create(7);
        HikariDataSource db = dataSource.unwrap(HikariDataSource.class);
        ChildJvm cli = ChildJvm.start(
                Path.of("target", "cli-" + UUID.randomUUID() + ".log"),
                false,
                RenderbankApplication.class.getName(),
                "--spring.datasource.url=" + db.getJdbcUrl(),
                "--spring.datasource.username=" + db.getUsername(),
                "--spring.datasource.password=" + (db.getPassword() == null ? "" : db.getPassword()),
                "--server.port=0",
                "credits",
                "show",
                u.email());
        try {
            assertThat(cli.process().waitFor(120, TimeUnit.SECONDS))
                    .as("the command ends")
                    .isTrue();
            assertThat(cli.process().exitValue()).as(cli.tail()).isZero();
            assertThat(cli.output()).contains(u.email() + " (user " + u.id() + "): balance 7, held 0, available 7");
        } finally {
            cli.stop(); // the service, had it started instead
        }
    }

    /**
     * A misspelt command ({@code credit} for {@code credits}) is bad usage, exit 2 with the usage and
     * nothing started: it used to start the whole service (web server, scheduler, mail and webhook
     * senders) on the database the environment names, in production an extra node.
     */
    @Test
    void aMisspeltCommandPrintsTheUsageAndStartsNothing() throws Exception {
        HikariDataSource db = dataSource.unwrap(HikariDataSource.class);
        ChildJvm cli = ChildJvm.start(
                Path.of("target", "cli-" + UUID.randomUUID() + ".log"),
                false,
                RenderbankApplication.class.getName(),
                "--spring.datasource.url=" + db.getJdbcUrl(),
                "--spring.datasource.username=" + db.getUsername(),
                "--spring.datasource.password=" + (db.getPassword() == null ? "" : db.getPassword()),
                "--server.port=0",
                "credit",
                "show",
                "nobody@example.com");
        try {
            assertThat(cli.process().waitFor(60, TimeUnit.SECONDS))
                    .as("the start ends")
                    .isTrue();
            assertThat(cli.process().exitValue()).as(cli.tail()).isEqualTo(2);
            assertThat(cli.output()).contains("unknown command 'credit'").contains("credits show <email>");
            assertThat(cli.output()).doesNotContain("Tomcat started");
        } finally {
            cli.stop(); // the service, had it started instead
        }
    }
}

package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.IntegrationTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two {@code users create-admin} runs for one address at once: one creates the account and prints its
 * one-time password, the other says the user exists and changes nothing. Both used to pass the
 * existence check and print "created admin … with one-time password", only one password being real,
 * and the second audited an ADMIN creation and flagged the account for a password change.
 */
class CreateAdminRaceTest extends IntegrationTest {

    @Autowired
    OpsCommands commands;

    @Autowired
    Audit audit;

    private record Run(int code, String out) {}

    @Test
    void twoRunsAtOnceCreateOneAdminAndPrintOnePassword() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String email = "race-admin-" + UUID.randomUUID() + "@test.local";
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Run>> runs =
                        List.of(pool.submit(() -> createAdmin(email, go)), pool.submit(() -> createAdmin(email, go)));
                go.countDown();
                Run a = runs.get(0).get(60, TimeUnit.SECONDS);
                Run b = runs.get(1).get(60, TimeUnit.SECONDS);
                List<Run> both = List.of(a, b);
                assertThat(both)
                        .as("round %d: %s / %s", round, a.out(), b.out())
                        .extracting(Run::code)
                        .containsExactlyInAnyOrder(OpsCommands.OK, OpsCommands.FINDING);
                assertThat(both.stream().filter(r -> r.out().contains("one-time password")))
                        .as("one password printed")
                        .hasSize(1);
                assertThat(both.stream().filter(r -> r.out().contains("exists already; nothing changed")))
                        .hasSize(1);
                assertThat(audit.list(null, "create-admin", "email:" + email, null, 5))
                        .as("one creation audited")
                        .hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Run createAdmin(String email, CountDownLatch go) throws InterruptedException {
        go.await();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = commands.execute(
                new String[] {"users", "create-admin", email}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }
}

package dev.renderbank.bank;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The bank test, small, in {@code ./mvnw verify} (maven-failsafe, after {@code package}): the
 * packaged jar as one node on its own PostgreSQL, 16 clients, the simulator's faults, SMTP down,
 * one SIGKILL and restart of the node and one stop and start of PostgreSQL; then the verdict must
 * be clean (see {@link BankVerdict} for the rules). bench/bank/run.sh is the full-size run.
 */
class BankIT {

    @Test
    void theBooksBalanceAfterAKill9AndADatabaseRestartUnderFaults() throws Exception {
        Path jar = Path.of("target", "renderbank.jar");
        assertThat(jar).as("the packaged jar (run after package)").exists();
        Path dir = Files.createDirectories(Path.of("target", "bank-it", Long.toString(System.currentTimeMillis())));

        BankRun.Outcome outcome = BankRun.run(new BankRun.Config(
                dir,
                jar,
                1,
                16,
                Duration.ofSeconds(50),
                Duration.ofSeconds(10),
                Duration.ZERO,
                // the slowest sound path (accepted just before the kill, taken over after
                // 30 s, a 12 s submit fault, a 5 s video, a 5 s late callback) takes ~65 s;
                // the settling after the load lasts up to one deadline (see Config)
                Duration.ofSeconds(80)));

        outcome.report().forEach((k, v) -> System.out.println(k + "=" + v));
        System.out.println(outcome.line());
        assertThat(outcome.report()).doesNotContainKey("chaos.error").containsKeys("chaos.kill", "chaos.dbStart");
        assertThat(outcome.violations()).as(outcome.line()).isEmpty();
        assertThat(outcome.passed()).isTrue();
    }
}

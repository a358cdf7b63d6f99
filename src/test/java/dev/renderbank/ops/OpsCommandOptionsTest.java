package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Each command takes the options it declares and no other: a misspelt or unknown option is bad usage
 * (exit 2) naming it and the options the command takes, and nothing is done. Before, it was ignored
 * (or handed to Spring as a setting): {@code --ammount 100} forgave the whole debt, {@code --kye}
 * granted under a derived key, {@code --all=false} revoked every token.
 */
class OpsCommandOptionsTest extends IntegrationTest {

    @Autowired
    OpsCommands commands;

    @Autowired
    TestUsers testUsers;

    @Autowired
    Users users;

    @Autowired
    Ledger ledger;

    @Autowired
    Audit audit;

    private record Run(int code, String out) {}

    private Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = commands.execute(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMisspeltAmountForgivesNothing() {
        var u = testUsers.create(10);
        ledger.reserve(u.id(), 10, "opt-job-" + u.id(), java.time.Duration.ofMinutes(5));
        ledger.clawback("test-grant:" + u.id(), 10, "opt-refund-" + u.id(), "refund");
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(10);
        for (String[] amount : new String[][] {{"--ammount", "4"}, {"--ammount=4"}}) {
            String[] args = concat(
                    new String[] {"credits", "waive-debt", u.email(), "--reason", "r", "--actor", "alice"}, amount);
            Run r = run(args);
            assertThat(r.code()).as(r.out()).isEqualTo(OpsCommands.USAGE);
            assertThat(r.out())
                    .contains("unknown option \"--ammount\" for credits waive-debt")
                    .contains("--amount");
            assertThat(ledger.balance(u.id()).debt()).as("nothing forgiven").isEqualTo(10);
        }
        assertThat(audit.list("alice", "waive-debt", "user:" + u.id(), null, 5)).isEmpty();
    }

    @Test
    void aMisspeltKeyGrantsNothing() {
        var u = testUsers.create(0);
        Run r = run("credits", "grant", u.email(), "5", "--reason", "r", "--actor", "alice", "--kye", "incident-42");
        assertThat(r.code()).as(r.out()).isEqualTo(OpsCommands.USAGE);
        assertThat(r.out()).contains("unknown option \"--kye\"").contains("--key");
        assertThat(ledger.balance(u.id()).balance()).isZero();
    }

    @Test
    void aFlagTakesNoValue() {
        var u = testUsers.create(0);
        Run r = run("tokens", "revoke", u.email(), "--all=false");
        assertThat(r.code()).as(r.out()).isEqualTo(OpsCommands.USAGE);
        assertThat(r.out()).contains("--all takes no value");
        assertThat(users.authenticateToken(u.token())).as("nothing revoked").isPresent();
    }

    @Test
    void anOptionTheCommandDoesNotTakeIsBadUsage() {
        Run stuck = run("jobs", "stuck", "--older-then", "2h");
        assertThat(stuck.code()).as(stuck.out()).isEqualTo(OpsCommands.USAGE);
        assertThat(stuck.out()).contains("unknown option \"--older-then\" for jobs stuck; it takes --older-than");
        Run holds = run("holds", "summary", "--older-than=2h");
        assertThat(holds.code()).as(holds.out()).isEqualTo(OpsCommands.USAGE);
        assertThat(holds.out()).contains("holds summary, which takes no options");
        Run twice = run("credits", "grant", "a@b.c", "5", "--reason", "r", "--actor", "a", "--actor", "b");
        assertThat(twice.code()).as(twice.out()).isEqualTo(OpsCommands.USAGE);
        assertThat(run("jobs", "stuck", "--spring.profiles.active", "prod").out())
                .as("a setting is given with =")
                .contains("is given as --spring.profiles.active=<value>");
    }

    @Test
    void settingsWithADotInTheirNameStillGoToSpring() {
        assertThat(OpsCli.springArguments(new String[] {
                    "--spring.datasource.url=jdbc:postgresql://db/x",
                    "credits",
                    "waive-debt",
                    "u@x",
                    "--ammount=4",
                    "--renderbank.ops.max-grant=5"
                }))
                .containsExactly("--spring.datasource.url=jdbc:postgresql://db/x", "--renderbank.ops.max-grant=5");
        Run holds = run("holds", "summary", "--spring.profiles.active=prod");
        assertThat(holds.code()).as(holds.out()).isIn(OpsCommands.OK, OpsCommands.FINDING);
    }

    /**
     * An id or email longer than any real one is bad usage before anything is written: a 3,000
     * character dispute id failed on the audit record's index (the audit insert comes before the
     * lookup) and ended on a stack trace.
     */
    @Test
    void aWordLongerThanAnyEmailOrIdIsBadUsageAndWritesNothing() {
        String longId = "disp_" + "x".repeat(3000);
        Run close = run("disputes", "close", longId, "won", "--reason", "r", "--actor", "long-id-actor");
        assertThat(close.code()).as(close.out()).isEqualTo(OpsCommands.USAGE);
        assertThat(close.out()).contains("is longer than 254 characters");
        assertThat(audit.list("long-id-actor", null, null, null, 5)).isEmpty();
        Run admin = run("users", "create-admin", "a".repeat(3000) + "@test.local");
        assertThat(admin.code()).as(admin.out()).isEqualTo(OpsCommands.USAGE);
        assertThat(admin.out()).contains("is longer than 254 characters");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

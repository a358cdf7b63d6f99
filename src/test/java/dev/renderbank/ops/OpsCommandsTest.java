package dev.renderbank.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.identity.Passwords;
import dev.renderbank.identity.Role;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.support.IntegrationTest;
import dev.renderbank.support.TestUsers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The operator commands of CONTRACT.md against the real database. */
class OpsCommandsTest extends IntegrationTest {

    @Autowired
    OpsCommands commands;

    @Autowired
    TestUsers testUsers;

    @Autowired
    Users users;

    @Autowired
    Passwords passwords;

    @Autowired
    Ledger ledger;

    private record Run(int code, String out) {}

    private Run run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = commands.execute(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void creditsShowAndAnAuditedIdempotentGrant() {
        var u = testUsers.create(10);
        Run show = run("credits", "show", u.email());
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("balance 10, held 0, available 10, debt 0");

        Run grant = run(
                "credits",
                "grant",
                u.email(),
                "25",
                "--reason",
                "apology for incident 42",
                "--actor",
                "alice",
                "--key",
                "incident-42:" + u.id());
        assertThat(grant.code()).isZero();
        assertThat(grant.out()).startsWith("granted 25 credits");
        Run again = run(
                "credits",
                "grant",
                u.email(),
                "25",
                "--reason",
                "apology for incident 42",
                "--actor",
                "alice",
                "--key",
                "incident-42:" + u.id());
        assertThat(again.out()).startsWith("already granted");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(35, 0, 0));
        assertThat(ledger.history(u.id(), null, 1).items().get(0).reason()).isEqualTo("apology for incident 42");
    }

    @Test
    void badUsageAndUnknownUsersAreRefusedWithTheirExitCodes() {
        assertThat(run("credits", "grant", "x@y.z", "5").code()).isEqualTo(2);
        assertThat(run("credits", "grant", "nobody@test.local", "5", "--reason", "r", "--actor", "a")
                        .code())
                .isEqualTo(1);
        assertThat(run("credits", "show", "nobody@test.local").code()).isEqualTo(1);
        assertThat(run("credits", "grant", "x@y.z", "-5", "--reason", "r").code())
                .isEqualTo(2);
        assertThat(run("frobnicate").code()).isEqualTo(2);
        assertThat(run("help").code()).isZero();
    }

    @Test
    void reconcileHoldsSummaryAndStuckJobs() {
        Run reconcile = run("reconcile");
        assertThat(reconcile.code()).isZero();
        assertThat(reconcile.out()).contains("0 violation(s)");
        assertThat(run("holds", "summary").out()).contains("open holds");
        Run stuck = run("jobs", "stuck", "--older-than", "30m");
        assertThat(stuck.out()).contains("job(s) in flight for longer than 30 min");
    }

    @Test
    void createAdminPrintsAOneTimePasswordOnce() {
        Run created = run("users", "create-admin", "ops-admin@test.local");
        assertThat(created.code()).isZero();
        assertThat(created.out()).contains("one-time password");
        assertThat(users.byEmail("ops-admin@test.local").orElseThrow().role()).isEqualTo(Role.ADMIN);
        // printed to a console: it must be replaced at the first sign-in
        assertThat(passwords.mustChange(
                        users.byEmail("ops-admin@test.local").orElseThrow().id()))
                .isTrue();
        assertThat(run("users", "create-admin", "ops-admin@test.local").code()).isEqualTo(1);
    }
}

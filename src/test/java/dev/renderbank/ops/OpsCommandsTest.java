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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
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
    void holdsSummaryAndStuckJobs() {
        // reconcile's exit codes: ReconcileStripeTest (a database of its own, so "clean" means clean)
        assertThat(run("holds", "summary").out()).contains("open holds");
        Run stuck = run("jobs", "stuck", "--older-than", "30m");
        assertThat(stuck.out())
                .contains("stuck job(s): UNKNOWN, accepted over 30 min ago, or no provider news for 10 min");
    }

    /** A word a command does not take is bad usage, as for every other command, not silently ignored. */
    @Test
    void aReadOnlyCommandWithAnArgumentItDoesNotTakeIsBadUsage() {
        Run holds = run("holds", "summary", "gen_123");
        assertThat(holds.code()).as(holds.out()).isEqualTo(OpsCommands.USAGE);
        assertThat(holds.out()).contains("error: holds summary takes no arguments");
        Run stuck = run("jobs", "stuck", "2h");
        assertThat(stuck.code()).as(stuck.out()).isEqualTo(OpsCommands.USAGE);
        assertThat(stuck.out()).contains("error: jobs stuck takes no arguments");
    }

    @Test
    void aBadAgeForStuckJobsIsBadUsageNotACrash() {
        // a far age parses but lies beyond any instant or timestamp: refused, not a DateTimeException
        for (String age : new String[] {"1d", "soon", "-5m", "0m", "9999999999999h", "2562047788015215h"}) {
            Run stuck = run("jobs", "stuck", "--older-than", age);
            assertThat(stuck.code()).as(age).isEqualTo(OpsCommands.USAGE);
            assertThat(stuck.out()).as(age).contains("error: --older-than");
        }
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

    /**
     * Creating an administrator is the most privileged operator action: it is in the audit trail (who,
     * why, which account), as every other one is. It was not recorded at all.
     */
    @Test
    void createAdminIsAudited() {
        String email = "audited-admin-" + UUID.randomUUID() + "@test.local";
        Run created = run("users", "create-admin", email, "--actor", "carol", "--reason", "new on-call engineer");
        assertThat(created.code()).as(created.out()).isZero();
        long id = users.byEmail(email).orElseThrow().id();
        var recorded = audit.list(null, "create-admin", "email:" + email, null, 5);
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).actor()).isEqualTo("carol");
        assertThat(recorded.get(0).reason()).isEqualTo("new on-call engineer");
        assertThat(recorded.get(0).after()).contains("\"user\": " + id).contains("ADMIN");

        String other = "console-admin-" + UUID.randomUUID() + "@test.local";
        assertThat(run("users", "create-admin", other).code()).isZero();
        assertThat(audit.list("cli", "create-admin", "email:" + other, null, 5))
                .as("without --actor: cli, as the other commands")
                .hasSize(1);
        assertThat(run("users", "create-admin", other).code()).isEqualTo(1);
        assertThat(audit.list(null, "create-admin", "email:" + other, null, 5))
                .as("an existing address records nothing more")
                .hasSize(1);
    }

    @Autowired
    Audit audit;

    @Autowired
    dev.renderbank.identity.UserAdministration accounts;

    @Autowired
    dev.renderbank.provider.simulator.KieSimulator simulator;

    @Autowired
    dev.renderbank.generation.OperatorJobs operatorJobs;

    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    @Test
    void optionsWrittenWithAnEqualsSignAreTheCommandsOptions() {
        var u = testUsers.create(0);
        String actor = "cli-eq-" + u.id();
        Run granted = run("credits", "grant", u.email(), "7", "--reason=goodwill", "--actor=" + actor);
        assertThat(granted.code()).as(granted.out()).isZero();
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(7);
        assertThat(audit.list(actor, "grant", null, null, 10)).hasSize(1);
        assertThat(run("jobs", "stuck", "--older-than=not-an-age").code())
                .as("the age is read (and refused), not dropped")
                .isEqualTo(2);
    }

    @Test
    void aGrantWithoutAKeyDerivesOneSaysSoAndGrantsOnce() {
        var u = testUsers.create(0);
        String actor = "cli-" + u.id();
        Run first = run("credits", "grant", u.email(), "200", "--reason", "lost purchase", "--actor", actor);
        assertThat(first.code()).isZero();
        assertThat(first.out()).contains("no --key given").contains("granted 200 credits");
        Run again = run("credits", "grant", u.email(), "200", "--reason", "lost purchase", "--actor", actor);
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("already granted");
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(200);
        assertThat(audit.list(actor, "grant", null, null, 10)).hasSize(1);
        Run tooMuch = run("credits", "grant", u.email(), "10001", "--reason", "typo", "--actor", actor);
        assertThat(tooMuch.code()).isEqualTo(1);
        assertThat(tooMuch.out()).contains("renderbank.ops.max-grant");
    }

    /**
     * A retry whose first answer was lost acts once also across UTC midnight: the same command within
     * a day of the grant it repeats is that grant; a day later, the same words grant again.
     */
    @Test
    void aGrantWithoutAKeyRetriedJustAfterMidnightGrantsOnce() {
        var u = testUsers.create(0);
        String actor = "cli-" + u.id();
        clock.freeze();
        Instant midnight = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
                .plusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        clock.advance(Duration.between(clock.instant(), midnight.minusSeconds(2)));
        String[] grant = {"credits", "grant", u.email(), "200", "--reason", "lost purchase", "--actor", actor};
        assertThat(run(grant).out()).contains("granted 200 credits");
        clock.advance(Duration.ofSeconds(5)); // 00:00:03: the first run's output was lost, it is run again
        Run retry = run(grant);
        assertThat(retry.code()).isZero();
        assertThat(retry.out()).contains("already granted");
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(200);
        assertThat(audit.list(actor, "grant", null, null, 10)).hasSize(1);

        clock.advance(Duration.ofDays(1)); // a day after the grant: the same words are a new grant
        assertThat(run(grant).out()).contains("granted 200 credits").doesNotContain("already");
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(400);
    }

    @Test
    void waiveDebtSuspendReinstateAndRevokeAreAuditedWithTheirExitCodes() {
        var u = testUsers.create(10);
        ledger.reserve(u.id(), 8, "cli-job-" + u.id(), java.time.Duration.ofMinutes(5));
        ledger.clawback("test-grant:" + u.id(), 10, "cli-refund-" + u.id(), "refund");
        assertThat(run("credits", "waive-debt", u.email(), "--reason", "goodwill")
                        .code())
                .as("--actor missing")
                .isEqualTo(2);
        assertThat(run("credits", "waive-debt", u.email(), "--reason", "goodwill", "--actor", "bob")
                        .code())
                .isZero();
        assertThat(ledger.balance(u.id()).debt()).isZero();
        assertThat(run("credits", "waive-debt", u.email(), "--reason", "goodwill", "--actor", "bob")
                        .out())
                .startsWith("already done");
        assertThat(run("credits", "waive-debt", u.email(), "--reason", "nothing owed", "--actor", "bob")
                        .code())
                .isEqualTo(1);
        assertThat(run("credits", "waive-debt", "nobody@test.local", "--reason", "r", "--actor", "bob")
                        .code())
                .isEqualTo(1);

        assertThat(run("users", "suspend", u.email(), "--actor", "bob").code()).isEqualTo(2);
        assertThat(run("users", "suspend", u.email(), "--reason", "chargeback fraud", "--actor", "bob")
                        .code())
                .isZero();
        assertThat(accounts.active(u.id())).isFalse();
        assertThat(run("users", "reinstate", u.email(), "--reason", "cleared", "--actor", "bob")
                        .code())
                .isZero();
        assertThat(accounts.active(u.id())).isTrue();

        assertThat(users.authenticateToken(u.token())).isPresent();
        assertThat(run("tokens", "revoke", u.email(), "--all").code()).isZero();
        assertThat(users.authenticateToken(u.token())).isEmpty();
        assertThat(run("tokens", "revoke", "nobody@test.local", "--all").code()).isEqualTo(1);
        assertThat(run("tokens", "revoke").code()).isEqualTo(2);

        assertThat(audit.list(null, null, "user:" + u.id(), null, 10))
                .extracting(OperatorAction::action)
                .containsExactly("revoke-tokens", "reinstate", "suspend", "waive-debt");
        assertThat(audit.list(null, "suspend", "user:" + u.id(), null, 1).get(0).actor())
                .isEqualTo("bob");
    }

    /** {@code --amount} forgives part of a debt; a bad amount is a usage error that forgives nothing. */
    @Test
    void waiveDebtWithAnAmountForgivesThatMuchAtMost() {
        var u = testUsers.create(10);
        ledger.reserve(u.id(), 10, "cli-job-" + u.id(), java.time.Duration.ofMinutes(5));
        ledger.clawback("test-grant:" + u.id(), 10, "cli-refund-" + u.id(), "refund");
        String[] words = {"credits", "waive-debt", u.email(), "--reason", "goodwill", "--actor", "bob", "--amount"};
        assertThat(run(append(words, "zero")).code()).isEqualTo(2);
        assertThat(run(append(words, "0")).code()).isEqualTo(2);
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(10);
        assertThat(run(append(words, "4")).code()).isZero();
        assertThat(ledger.balance(u.id()).debt()).isEqualTo(6);
        assertThat(run(append(words, "4")).out())
                .as("the same words, the same debt")
                .startsWith("already done");
        assertThat(run(append(words, "6")).code())
                .as("another amount is another waiver")
                .isZero();
        assertThat(ledger.balance(u.id()).debt()).isZero();
    }

    private static String[] append(String[] words, String last) {
        String[] all = java.util.Arrays.copyOf(words, words.length + 1);
        all[words.length] = last;
        return all;
    }

    /**
     * Suspending, reinstating and revoking set a state: run again later the same day (after a
     * reinstate, after the user made a new token) with the same words, each must act again, not
     * answer "already done" while the user stays active or the new token stays live.
     */
    @Test
    void aSuspendOrRevokeRepeatedLaterTheSameDayActsAgain() {
        var u = testUsers.create(0);
        String[] suspend = {"users", "suspend", u.email(), "--reason", "fraud review", "--actor", "bob"};
        assertThat(run(suspend).code()).isZero();
        assertThat(run("users", "reinstate", u.email(), "--reason", "cleared", "--actor", "bob")
                        .code())
                .isZero();
        assertThat(accounts.active(u.id())).isTrue();
        Run again = run(suspend);
        assertThat(again.code()).isZero();
        assertThat(again.out()).startsWith("done");
        assertThat(accounts.active(u.id())).as("suspended again").isFalse();
        run("users", "reinstate", u.email(), "--reason", "cleared", "--actor", "bob");

        assertThat(run("tokens", "revoke", u.email(), "--all").code()).isZero();
        assertThat(users.authenticateToken(u.token())).isEmpty();
        String newToken = users.issueToken(u.id(), "made after the first revoke");
        assertThat(run("tokens", "revoke", u.email(), "--all").code()).isZero();
        assertThat(users.authenticateToken(newToken))
                .as("the new token is revoked too")
                .isEmpty();
    }

    /**
     * {@code tokens revoke <email> [--all]}: without {@code --all} nothing is revoked; the command
     * says how many live tokens the user has and that {@code --all} revokes them (exit 2, bad usage),
     * so an operator who left the flag out neither signs the user out by surprise nor reads the
     * "done" of an action they did not confirm. With {@code --all} every live token goes.
     */
    @Test
    void tokensRevokeWithoutAllRevokesNothingAndSaysHowManyWouldGo() {
        var u = testUsers.create(0);
        String second = users.issueToken(u.id(), "a second token");
        Run bare = run("tokens", "revoke", u.email());
        assertThat(bare.code()).isEqualTo(OpsCommands.USAGE);
        assertThat(bare.out()).contains("2 live token(s)").contains("--all").doesNotContain("done");
        assertThat(users.authenticateToken(u.token())).as("nothing revoked").isPresent();
        assertThat(users.authenticateToken(second)).isPresent();
        assertThat(audit.list(null, "revoke-tokens", "user:" + u.id(), null, 5))
                .as("nothing audited")
                .isEmpty();

        Run all = run("tokens", "revoke", u.email(), "--all");
        assertThat(all.code()).isZero();
        assertThat(users.authenticateToken(u.token())).isEmpty();
        assertThat(users.authenticateToken(second)).isEmpty();
    }

    /**
     * A command's reason passes the same rule as the admin forms' and the API's reasons: control
     * characters (other than line breaks and tabs) are refused as bad usage before anything is done,
     * since the reason is shown in pages and mail and written to logs and the ledger.
     */
    @Test
    void aReasonWithControlCharactersIsRefusedLikeTheFormsAndTheApi() {
        var u = testUsers.create(10);
        String bell = "goodwill\u0007";
        String escape = "fraud \u001b[31mreview";
        String erin = "erin-" + u.id();
        String[][] commands = {
            {"credits", "grant", u.email(), "5", "--reason", bell, "--actor", erin},
            {"credits", "waive-debt", u.email(), "--reason", bell, "--actor", erin},
            {"users", "suspend", u.email(), "--reason", escape, "--actor", erin},
            {"users", "reinstate", u.email(), "--reason", escape, "--actor", erin},
            {"tokens", "revoke", u.email(), "--all", "--reason", "nul\u0000here"},
            {"jobs", "fail", "gen_no_such_job", "--reason", bell, "--actor", erin},
        };
        for (String[] command : commands) {
            Run r = run(command);
            assertThat(r.code()).as(String.join(" ", command)).isEqualTo(OpsCommands.USAGE);
            assertThat(r.out()).as(String.join(" ", command)).contains("control characters");
        }
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(10, 0, 0));
        assertThat(accounts.active(u.id())).isTrue();
        assertThat(users.authenticateToken(u.token())).isPresent();
        assertThat(audit.list(erin, null, null, null, 5)).isEmpty();
        assertThat(audit.list(null, null, "user:" + u.id(), null, 5)).isEmpty();

        // a switch's message is the reason its audit record carries: the same rule
        Run message = run("switches", "set", "sales", "paused", "--message", "Back soon\u0007", "--actor", erin);
        assertThat(message.code()).isEqualTo(OpsCommands.USAGE);
        assertThat(message.out()).contains("control characters");
        assertThat(audit.list(erin, "switch", null, null, 5)).isEmpty();

        Run lines = run("users", "suspend", u.email(), "--reason", "two lines\n\tand a tab", "--actor", erin);
        assertThat(lines.code()).as("line breaks and tabs are fine").isZero();
    }

    /**
     * The actor is recorded in the audit trail and shown on the admin pages, like the reason: the
     * same rule refuses control characters in it, as bad usage before anything is done. An actor is
     * a name, one line: line breaks and tabs are refused too.
     */
    @Test
    void anActorWithControlCharactersIsRefusedAsBadUsage() {
        var u = testUsers.create(10);
        String[] actors = {"erin\u0007", "\u001b[31merin", "erin\nadmin@renderbank.local", "erin\u0000"};
        try {
            for (String actor : actors) {
                String[][] commands = {
                    {"credits", "grant", u.email(), "5", "--reason", "goodwill", "--actor", actor},
                    {"users", "suspend", u.email(), "--reason", "fraud review", "--actor", actor},
                    {"switches", "set", "sales", "paused", "--message", "Back soon", "--actor", actor},
                    {"reconcile", "--actor", actor},
                };
                for (String[] command : commands) {
                    Run r = run(command);
                    String as = String.join(" ", command).replaceAll("\\p{Cntrl}", "?");
                    assertThat(r.code()).as(as).isEqualTo(OpsCommands.USAGE);
                    assertThat(r.out()).as(as).contains("--actor").contains("control characters");
                }
            }
        } finally {
            run("switches", "set", "sales", "on"); // had a command been done, sales stay open for the other tests
        }
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(10, 0, 0));
        assertThat(accounts.active(u.id())).isTrue();
        assertThat(audit.list(null, null, "user:" + u.id(), null, 5)).isEmpty();

        assertThat(run("credits", "grant", u.email(), "5", "--reason", "goodwill", "--actor", "erin-" + u.id())
                        .code())
                .isZero();
    }

    /**
     * The --key is the operator's idempotency key, recorded in the audit trail beside the reason and
     * the actor: the same rule as other operator input refuses it as bad usage, naming --key, before
     * anything is done: at most 200 characters and one printable line (no control characters, no
     * line breaks or tabs); a NUL byte must not reach the database as an error.
     */
    @Test
    void aKeyWithControlCharactersOrTooLongIsRefusedAsBadUsage() {
        var u = testUsers.create(10);
        String erin = "erin-key-" + u.id();
        String[] keys = {"k\u0000" + u.id(), "k\u0007" + u.id(), "\u001b[31mk" + u.id(), "k\n" + u.id(), "k".repeat(201)
        };
        try {
            for (String key : keys) {
                String[][] commands = {
                    {"credits", "grant", u.email(), "5", "--reason", "goodwill", "--actor", erin, "--key", key},
                    {"credits", "waive-debt", u.email(), "--reason", "goodwill", "--actor", erin, "--key", key},
                    {"users", "suspend", u.email(), "--reason", "fraud review", "--actor", erin, "--key", key},
                    {"jobs", "fail", "gen_no_such_job", "--reason", "stuck", "--actor", erin, "--key", key},
                    {"switches", "set", "sales", "paused", "--message", "Back soon", "--actor", erin, "--key", key},
                };
                for (String[] command : commands) {
                    String as = String.join(" ", command).replaceAll("\\p{Cntrl}", "?");
                    Run r = run(command);
                    assertThat(r.code()).as(as).isEqualTo(OpsCommands.USAGE);
                    assertThat(r.out()).as(as).contains("error: --key ");
                }
            }
        } finally {
            run("switches", "set", "sales", "on"); // had a command been done, sales stay open for the other tests
        }
        assertThat(run("credits", "grant", u.email(), "5", "--reason", "goodwill", "--actor", erin, "--key", "\u0007")
                        .out())
                .contains("error: --key must not contain control characters (U+0007 at position 1)");
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(10, 0, 0));
        assertThat(accounts.active(u.id())).isTrue();
        assertThat(audit.list(erin, null, null, null, 5)).isEmpty();

        Run longest = run(
                "credits", "grant", u.email(), "5", "--reason", "goodwill", "--actor", erin, "--key", "k".repeat(200));
        assertThat(longest.code()).as(longest.out()).isZero();
        assertThat(ledger.balance(u.id()).balance()).isEqualTo(15);
    }

    /**
     * An argument (an email, a task id, a switch name) with a control character in it is bad usage,
     * refused before anything is looked up: a NUL reached the database and ended the command with
     * its encoding error and a stack trace instead of a message and exit code 2.
     */
    @Test
    void anArgumentWithAControlCharacterIsBadUsageNotACrash() {
        var u = testUsers.create(10);
        String nul = "\u0000";
        String[][] commands = {
            {"jobs", "check", "gen_" + nul},
            {"jobs", "fail", "gen_" + nul, "--reason", "stuck", "--actor", "erin"},
            {"credits", "show", u.email() + nul},
            {"credits", "grant", u.email() + nul, "5", "--reason", "goodwill", "--actor", "erin"},
            {"users", "suspend", u.email() + "\u0007", "--reason", "fraud review", "--actor", "erin"},
            {"switches", "set", "model:" + nul, "paused", "--actor", "erin"},
        };
        for (String[] command : commands) {
            String as = String.join(" ", command).replaceAll("\\p{Cntrl}", "?");
            Run r = run(command);
            assertThat(r.code()).as(as + ": " + r.out()).isEqualTo(OpsCommands.USAGE);
            assertThat(r.out()).as(as).contains("error: ").contains("control characters");
        }
        assertThat(ledger.balance(u.id())).isEqualTo(new Balance(10, 0, 0));
        assertThat(accounts.active(u.id())).isTrue();
    }

    /** Gives the user a debt: a grant under {@code grantKey}, spent on a job, then refunded in full. */
    private long debtFrom(long userId, String grantKey, long amount) {
        ledger.grant(userId, amount, dev.renderbank.ledger.GrantSource.PURCHASE, grantKey, null, "purchase");
        ledger.reserve(userId, amount, "job-" + grantKey, java.time.Duration.ofMinutes(5));
        ledger.capture("job-" + grantKey);
        ledger.clawback(grantKey, amount, "refund-" + grantKey, "refund");
        return ledger.balance(userId).debt();
    }

    /**
     * Waiving forgives a debt: the same command run again for the same debt (a retry) waives
     * nothing more, but a new debt of the same user, waived later the same day with the same words,
     * is waived, not answered "already done" while the user still owes it.
     */
    @Test
    void aWaiveRetriedIsDoneOnceButANewDebtTheSameDayIsWaivedToo() {
        var u = testUsers.create(0);
        String[] waive = {"credits", "waive-debt", u.email(), "--reason", "goodwill", "--actor", "bob-" + u.id()};
        assertThat(debtFrom(u.id(), "first-" + u.id(), 30)).isEqualTo(30);
        assertThat(run(waive).code()).isZero();
        assertThat(ledger.balance(u.id()).debt()).isZero();
        Run retry = run(waive);
        assertThat(retry.code()).isZero();
        assertThat(retry.out()).contains("already done");

        assertThat(debtFrom(u.id(), "second-" + u.id(), 20)).isEqualTo(20);
        Run again = run(waive);
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("done: ").doesNotContain("already done");
        assertThat(ledger.balance(u.id()).debt())
                .as("the second debt is waived")
                .isZero();
        assertThat(run(waive).out()).as("and a retry of that run").contains("already done");
        assertThat(audit.list("bob-" + u.id(), "waive-debt", "user:" + u.id(), null, 10))
                .hasSize(2);
    }

    @Test
    void jobsFailAndCheckGoThroughTheNormalPath() {
        var u = testUsers.create(100);
        simulator.setImageDuration(java.time.Duration.ofMinutes(10));
        try {
            String taskId = new dev.renderbank.support.Api(port)
                    .post("/api/v1/generate-image", u.token(), "{\"model\":\"nano-banana\",\"prompt\":\"cli\"}")
                    .json()
                    .get("taskId")
                    .asString();
            assertThat(run("jobs", "fail", taskId, "--reason", "stuck").code()).isEqualTo(2);
            assertThat(run("jobs", "fail", "no-such-job", "--reason", "stuck", "--actor", "carol")
                            .code())
                    .isEqualTo(1);
            Run failed = run("jobs", "fail", taskId, "--reason", "stuck at provider", "--actor", "carol");
            assertThat(failed.code()).isZero();
            assertThat(failed.out()).contains("FAILED");
            assertThat(run("jobs", "fail", taskId, "--reason", "stuck at provider", "--actor", "carol")
                            .out())
                    .startsWith("already done");
            assertThat(ledger.balance(u.id())).isEqualTo(new Balance(100, 0, 0));
            Run check = run("jobs", "check", taskId);
            assertThat(check.code()).isZero();
            assertThat(check.out()).contains("already finished");
            assertThat(run("jobs", "check", "no-such-job").code()).isEqualTo(1);
            assertThat(run("jobs", "check").code()).isEqualTo(2);
        } finally {
            simulator.reset();
        }
    }

    @Test
    void switchesShowAndSet() {
        try {
            assertThat(run("switches", "set", "everything", "paused").code()).isEqualTo(2);
            assertThat(run("switches", "set", "generation", "maybe").code()).isEqualTo(2);
            Run set =
                    run("switches", "set", "generation", "paused", "--message", "Back at 10:00 UTC", "--actor", "dave");
            assertThat(set.code()).isZero();
            Run show = run("switches", "show");
            assertThat(show.code()).isZero();
            assertThat(show.out()).contains("generation PAUSED: Back at 10:00 UTC (Retry-After 300 s; by dave");
            assertThat(audit.list("dave", "switch", "switch:generation", null, 5))
                    .hasSize(1);
        } finally {
            assertThat(run("switches", "set", "generation", "on").code()).isZero();
        }
        assertThat(run("switches", "show").out()).contains("generation on");
    }
}

package dev.renderbank.ops;

import dev.renderbank.generation.StuckJob;
import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.Balance;
import dev.renderbank.ledger.HoldsSummary;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.reconcile.ReconcileLocks;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The commands behind {@link OpsCli}: the seed's monitoring queries, made safe and audited. The
 * arguments are parsed and checked for every command by {@link OpsArguments}; here are the read-only
 * commands; the creation of an admin is {@link CreateAdminCommand}; the commands that change something else live in {@link
 * RepairCommands}.
 */
@Component
class OpsCommands {

    static final int OK = 0;
    static final int FINDING = 1;
    static final int USAGE = 2;
    static final String HELP = """
            usage: java -jar renderbank.jar <command>
              credits show <email>
              credits grant <email> <amount> --reason "…" --actor <name> [--key <idempotency key>]
              holds summary
              jobs stuck [--older-than 30m]      (as /admin/jobs: UNKNOWN, overdue or quiet; default renderbank.ops.stuck.*)
              reconcile [--actor <name>]         (exit 1 on a finding that counts: acknowledged ones do not)
              reconcile acknowledge <findingId> --reason "…" --actor <name> [--key <idempotency key>]
              users create-admin <email> [--actor <name>] [--reason "…"]
              credits waive-debt <email> --reason "…" --actor <name> [--amount <credits>] [--key <idempotency key>]
              jobs check <taskId>
              jobs fail <taskId> --reason "…" --actor <name> [--key <idempotency key>]
              users suspend|reinstate <email> --reason "…" --actor <name> [--key <idempotency key>]
              tokens revoke <email> [--all] [--reason "…"] [--actor <name>] [--key <idempotency key>]   (without --all: how many tokens would go; nothing revoked)
              switches show
              switches set <generation|sales|model:<id>> on|paused [--message "…"] [--retry-after <seconds>] [--actor <name>] [--key <idempotency key>]
              disputes close <disputeId> won|lost --reason "…" --actor <name> [--key <idempotency key>]   (a Creem dispute)
              provider resume --reason "…" --actor <name> [--key <idempotency key>]   (out of credits or key refused: accept requests again)
            an omitted --actor is recorded as "cli" ("command line" for reconcile); any other option is bad usage
            settings: --name=value with a dot in the name (--spring.profiles.active=prod)""";

    private final Users users;
    private final Ledger ledger;
    private final JobActions jobs;
    private final Clock clock;
    private final CreateAdminCommand createAdmin;
    private final UserActions userActions;
    private final RepairCommands repairs;
    private final Reconciliation reconciliation;
    private final AuditedActions actions;

    OpsCommands(
            Users users,
            Ledger ledger,
            JobActions jobs,
            Clock clock,
            CreateAdminCommand createAdmin,
            UserActions userActions,
            RepairCommands repairs,
            Reconciliation reconciliation,
            AuditedActions actions) {
        this.actions = actions;
        this.users = users;
        this.createAdmin = createAdmin;
        this.ledger = ledger;
        this.jobs = jobs;
        this.clock = clock;
        this.userActions = userActions;
        this.repairs = repairs;
        this.reconciliation = reconciliation;
    }

    int execute(String[] args, PrintStream out) {
        return execute(args, out, System.err);
    }

    /** {@code err}: where an unexpected failure's stack trace goes (never {@code out}). */
    int execute(String[] args, PrintStream out, PrintStream err) {
        OpsArguments parsed = OpsArguments.parse(args);
        if (parsed instanceof OpsArguments.Refused refused) {
            return usage(out, refused.problem());
        }
        OpsArguments.Parsed line = (OpsArguments.Parsed) parsed;
        String command = line.command();
        List<String> words = line.words();
        Map<String, String> options = line.options();
        try {
            return switch (command) {
                case "credits show" -> creditsShow(words, out);
                case "credits grant" -> creditsGrant(words, options, out);
                case "holds summary" ->
                    words.size() == 2 ? holdsSummary(out) : usage(out, "holds summary takes no arguments");
                case "jobs stuck" ->
                    words.size() == 2
                            ? jobsStuck(options, out)
                            : usage(out, "jobs stuck takes no arguments (the age is --older-than 30m)");
                case "users create-admin" -> createAdmin.run(words, options, out);
                case "credits waive-debt",
                        "jobs check",
                        "jobs fail",
                        "users suspend",
                        "users reinstate",
                        "tokens revoke",
                        "switches show",
                        "switches set",
                        "disputes close",
                        "provider resume",
                        "reconcile acknowledge" -> repairs.execute(command, words, options, out);
                default ->
                    words.size() == 1 && words.get(0).equals("reconcile")
                            ? reconcile(options.getOrDefault("actor", "command line"), out)
                            : usage(out, words.isEmpty() || words.get(0).equals("help") ? null : "unknown command");
            };
        } catch (IllegalArgumentException e) {
            return usage(out, e.getMessage());
        } catch (RuntimeException e) {
            return OpsCli.failed(e, "failed", out, err); // exit 3, one line, no stack trace on out
        }
    }

    private int creditsShow(List<String> words, PrintStream out) {
        if (words.size() != 3) {
            return usage(out, "credits show takes one email");
        }
        Optional<UserAccount> user = users.byEmail(words.get(2));
        if (user.isEmpty()) {
            out.println("no user " + words.get(2));
            return FINDING;
        }
        Balance b = ledger.balance(user.get().id());
        out.printf(
                "%s (user %d): balance %d, held %d, available %d, debt %d%n",
                user.get().email(), user.get().id(), b.balance(), b.held(), b.available(), b.debt());
        return OK;
    }

    private int creditsGrant(List<String> words, Map<String, String> options, PrintStream out) {
        if (words.size() != 4 || !options.containsKey("reason") || !options.containsKey("actor")) {
            return usage(out, "credits grant needs <email> <amount> --reason and --actor");
        }
        Optional<UserAccount> user = users.byEmail(words.get(2));
        if (user.isEmpty()) {
            out.println("no user " + words.get(2));
            return FINDING;
        }
        long amount;
        try {
            amount = Long.parseLong(words.get(3));
        } catch (NumberFormatException e) {
            return usage(out, "amount must be a whole number of credits");
        }
        String key = options.get("key");
        if (key == null) {
            // A repeated command (same user, amount and reason) within a day of the grant it repeats
            // grants once, also across UTC midnight (a retry at 00:00:03 of a run at 23:59:58 whose
            // answer was lost); else the key comes from the words and today's date.
            Optional<String> earlier = actions.keyOfSame(
                    options.get("actor"),
                    "grant",
                    UserActions.target(user.get().id()),
                    amount,
                    options.get("reason"),
                    "cli:grant:",
                    clock.instant().minus(Duration.ofDays(1)));
            key = earlier.orElseGet(() -> CommandKeys.derivedKey(
                    "grant", words.get(2).toLowerCase(Locale.ROOT), words.get(3), options.get("reason"), clock));
            out.println("no --key given: using " + key
                    + (earlier.isPresent()
                            ? " (the same grant's, recorded less than a day ago)"
                            : " (from email, amount, reason and the UTC day)"));
        }
        ActionResult r =
                userActions.grant(options.get("actor"), user.get().id(), amount, options.get("reason"), false, key);
        if (!(r instanceof ActionResult.Done d)) {
            out.println("refused: " + CommandAnswers.describe(r));
            return FINDING;
        }
        out.printf(
                "%s %d credits to %s (key %s)%n",
                d.repeated() ? "already granted" : "granted", amount, user.get().email(), key);
        return OK;
    }

    private int holdsSummary(PrintStream out) {
        HoldsSummary s = ledger.holdsSummary();
        out.printf(
                "open holds %d, held credits %d, users with holds %d, overdue holds %d%n",
                s.openHolds(), s.heldCredits(), s.usersWithHolds(), s.expiredButOpen());
        return s.expiredButOpen() > 0 ? FINDING : OK;
    }

    /** The stuck jobs of /admin/jobs and the API ({@link JobActions#stuck}), with the same thresholds. */
    private int jobsStuck(Map<String, String> options, PrintStream out) {
        Duration age;
        try {
            age = options.containsKey("older-than")
                    ? JobActions.stuckAge(options.get("older-than"))
                    : jobs.thresholds().overdue();
        } catch (IllegalArgumentException e) {
            return usage(out, "--older-than " + e.getMessage());
        }
        List<StuckJob> stuck = jobs.stuck(age);
        stuck.forEach(s -> out.printf(
                "%s %s user %d %s %s state %s since %s deadline %s held %d%n",
                s.job().id(),
                s.why(),
                s.job().userId(),
                s.job().type().label(),
                s.job().model(),
                s.job().state(),
                s.job().createdAt(),
                s.job().deadlineAt(),
                s.job().creditsHeld()));
        out.printf(
                "%s stuck job(s): UNKNOWN, accepted over %d min ago, or no provider news for %d min%n",
                stuck.size() >= JobActions.STUCK_LIMIT
                        ? "the oldest " + stuck.size() + " (there may be more)"
                        : Integer.toString(stuck.size()),
                age.toMinutes(),
                jobs.thresholds().quiet().toMinutes());
        return stuck.isEmpty() ? OK : FINDING;
    }

    /** Every check ({@link Reconciliation}); stored and audited as from the API; acknowledged findings do not count. */
    private int reconcile(String actor, PrintStream out) {
        ReconciliationReport r;
        try {
            r = reconciliation.runAudited(actor, Reconciliation.COMMAND);
        } catch (ReconcileLocks.RunInProgress e) {
            out.println("not run: " + e.getMessage());
            return FINDING;
        }
        r.counted()
                .forEach(f ->
                        out.println("FINDING " + f.id() + " " + f.kind() + " " + f.subject() + " " + f.evidence()));
        r.skipped().forEach(s -> out.println("NOT CHECKED " + s));
        out.println("reconciliation run " + r.runId() + ": " + r.counted().size() + " finding(s)"
                + (r.acknowledged() > 0 ? ", " + r.acknowledged() + " acknowledged (not counted)" : ""));
        return r.clean() ? OK : FINDING;
    }

    private static int usage(PrintStream out, String problem) {
        if (problem != null) {
            out.println("error: " + problem);
        }
        out.println(HELP);
        return problem == null ? OK : USAGE;
    }
}

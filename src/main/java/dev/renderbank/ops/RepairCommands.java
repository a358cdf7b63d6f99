package dev.renderbank.ops;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.HistoryPage;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.LedgerEntry;
import dev.renderbank.ops.internal.OperatorReason;
import dev.renderbank.platform.Switches;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import org.springframework.stereotype.Component;

/**
 * The repair commands of {@link OpsCli} (waive debt, suspend, revoke tokens, fail or check a job,
 * switches, close a Creem dispute, resume the provider): each goes through the same audited actions as the admin pages,
 * with the actor given. Exit codes: {@link OpsCommands#OK}, {@link OpsCommands#FINDING} for a refusal
 * or an unknown target, {@link OpsCommands#USAGE}. Over 300 lines because it is one short method per
 * command (argument checks and the printed outcome) beside one dispatch; each method only reads the
 * words and calls an action class, so splitting it by command would scatter the usage rules.
 */
@Component
class RepairCommands {

    /** Options that take no value. */
    static final Set<String> FLAGS = Set.of("--all");

    private final Users users;
    private final UserActions userActions;
    private final JobActions jobActions;
    private final SwitchActions switchActions;
    private final Ledger ledger;
    private final PaymentActions payments;
    private final ProviderActions provider;

    RepairCommands(
            Users users,
            UserActions userActions,
            JobActions jobActions,
            SwitchActions switchActions,
            Ledger ledger,
            PaymentActions payments,
            ProviderActions provider) {
        this.users = users;
        this.provider = provider;
        this.payments = payments;
        this.ledger = ledger;
        this.userActions = userActions;
        this.jobActions = jobActions;
        this.switchActions = switchActions;
    }

    int execute(String command, List<String> words, Map<String, String> options, PrintStream out) {
        return switch (command) {
            case "credits waive-debt" ->
                onUser(
                        words,
                        options,
                        out,
                        true,
                        this::debtKey,
                        (actor, user, reason, key) -> userActions.waiveDebt(actor, user.id(), reason, key));
            case "users suspend" ->
                onUser(
                        words,
                        options,
                        out,
                        true,
                        RepairCommands::freshKey,
                        (actor, user, reason, key) -> userActions.suspend(actor, user.id(), reason, key));
            case "users reinstate" ->
                onUser(
                        words,
                        options,
                        out,
                        true,
                        RepairCommands::freshKey,
                        (actor, user, reason, key) -> userActions.reinstate(actor, user.id(), reason, key));
            case "tokens revoke" ->
                options.containsKey("all")
                        ? onUser(
                                words,
                                options,
                                out,
                                false,
                                RepairCommands::freshKey,
                                (actor, user, reason, key) -> userActions.revokeTokens(actor, user.id(), reason, key))
                        : tokensRevokeUnconfirmed(words, out);
            case "jobs check" -> jobsCheck(words, options, out);
            case "jobs fail" -> jobsFail(words, options, out);
            case "switches show" -> switchesShow(words, out);
            case "disputes close" -> disputesClose(words, options, out);
            case "provider resume" -> providerResume(words, options, out);
            default -> switchesSet(words, options, out);
        };
    }

    private interface UserAction {
        ActionResult apply(String actor, UserAccount user, String reason, String key);
    }

    /**
     * {@code strict}: --reason and --actor are required (else defaults say it came from the command
     * line). {@code defaultKey}: the key without --key. Suspend, reinstate and revoke each set a state
     * (a repeat is harmless): every run gets a fresh key and acts, so that suspending again after a
     * reinstate, or revoking again after the user made a new token, is not answered "already done".
     * Waiving debt is keyed by the debt it forgives ({@link #debtKey}).
     */
    private int onUser(
            List<String> words,
            Map<String, String> options,
            PrintStream out,
            boolean strict,
            BiFunction<UserAccount, String, String> defaultKey,
            UserAction action) {
        String command = words.get(0) + " " + words.get(1);
        if (words.size() != 3 || (strict && (!options.containsKey("reason") || !options.containsKey("actor")))) {
            return usage(out, command + " needs <email>" + (strict ? " --reason and --actor" : ""));
        }
        Optional<UserAccount> user = users.byEmail(words.get(2));
        if (user.isEmpty()) {
            out.println("no user " + words.get(2));
            return OpsCommands.FINDING;
        }
        String reason = options.getOrDefault("reason", "revoked from the command line");
        String actor = options.getOrDefault("actor", "cli");
        String key = options.containsKey("key") ? options.get("key") : defaultKey.apply(user.get(), reason);
        return report(out, command + " " + user.get().email(), action.apply(actor, user.get(), reason, key));
    }

    /**
     * {@code tokens revoke <email>} without {@code --all}: revokes nothing and says what {@code --all}
     * would do (every live token revoked, every browser session ended); bad usage, so a script that
     * left the flag out does not read "done".
     */
    private int tokensRevokeUnconfirmed(List<String> words, PrintStream out) {
        if (words.size() != 3) {
            return usage(out, "tokens revoke needs <email> --all");
        }
        Optional<UserAccount> user = users.byEmail(words.get(2));
        if (user.isEmpty()) {
            out.println("no user " + words.get(2));
            return OpsCommands.FINDING;
        }
        long live = userActions.liveTokens(user.get().id());
        out.println("error: nothing revoked: " + user.get().email() + " has " + live + " live token(s); tokens revoke"
                + " revokes every one of them and ends the user's browser sessions: run it again with --all");
        return OpsCommands.USAGE;
    }

    private static String freshKey(UserAccount user, String reason) {
        return "cli:" + UUID.randomUUID();
    }

    /**
     * The key of a waiver without --key: from the reason and the user's newest ledger entry that added
     * debt, the debt being forgiven. The same command run again for the same debt (a retry, also one
     * after the first run's answer was lost) is answered "already done" and waives nothing more; once
     * the user runs into a new debt, the same words waive that one. (A key from the words and the UTC
     * day answered "already done" to a second debt the same day and left it owed.)
     */
    private String debtKey(UserAccount user, String reason) {
        String cursor = null;
        String debt = "none"; // nothing owed: refused, and a refusal records nothing
        do {
            HistoryPage page = ledger.history(user.id(), cursor, 200);
            LedgerEntry newest = page.items().stream()
                    .filter(e -> e.debtDelta() > 0)
                    .findFirst()
                    .orElse(null);
            if (newest != null) {
                debt = Long.toString(newest.id());
                break;
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return "cli:waive-debt:" + user.id() + ":" + debt + ":"
                + digest("waive-debt", Long.toString(user.id()), debt, reason);
    }

    private int jobsCheck(List<String> words, Map<String, String> options, PrintStream out) {
        if (words.size() != 3) {
            return usage(out, "jobs check takes one task id");
        }
        return report(
                out,
                "jobs check " + words.get(2),
                jobActions.check(options.getOrDefault("actor", "cli"), words.get(2)));
    }

    private int jobsFail(List<String> words, Map<String, String> options, PrintStream out) {
        if (words.size() != 3 || !options.containsKey("reason") || !options.containsKey("actor")) {
            return usage(out, "jobs fail needs <taskId> --reason and --actor");
        }
        String key = options.getOrDefault("key", "cli:job-fail:" + words.get(2));
        return report(
                out,
                "jobs fail " + words.get(2),
                jobActions.fail(options.get("actor"), words.get(2), options.get("reason"), key));
    }

    /**
     * Closes a Creem dispute as won or lost through the same audited closing as the payments page and
     * the API ({@link PaymentActions#closeDispute}). Without --key the key is the dispute's: the same
     * command run again answers the first closing ("already done"); closing it with the other outcome
     * afterwards is refused (exit 1), as is a Stripe dispute or an unknown id.
     */
    private int disputesClose(List<String> words, Map<String, String> options, PrintStream out) {
        if (words.size() != 4 || !options.containsKey("reason") || !options.containsKey("actor")) {
            return usage(out, "disputes close needs <disputeId> won|lost --reason and --actor");
        }
        Optional<Boolean> won = PaymentActions.wonOrLost(words.get(3));
        if (won.isEmpty()) {
            return usage(out, "disputes close: the outcome must be won or lost, not " + words.get(3));
        }
        String disputeId = words.get(2);
        String key = options.getOrDefault("key", "cli:dispute-close:" + disputeId);
        return report(
                out,
                "disputes close " + disputeId + " " + (won.get() ? "won" : "lost"),
                payments.closeDispute(options.get("actor"), disputeId, won.get(), options.get("reason"), key));
    }

    /**
     * Resumes a provider the out-of-credits (or refused-key) state holds back ({@link
     * ProviderActions#resume}); refused (exit 1) when it is available. Without --key every run gets a
     * fresh one, as a switch does: resuming again after the next trip is not "already done".
     */
    private int providerResume(List<String> words, Map<String, String> options, PrintStream out) {
        if (words.size() != 2 || !options.containsKey("reason") || !options.containsKey("actor")) {
            return usage(out, "provider resume needs --reason and --actor");
        }
        String key = options.getOrDefault("key", "cli:" + UUID.randomUUID());
        return report(out, "provider resume", provider.resume(options.get("actor"), options.get("reason"), key));
    }

    private int switchesShow(List<String> words, PrintStream out) {
        if (words.size() != 2) {
            return usage(out, "switches show takes no arguments");
        }
        List<Switches.Switch> all = switchActions.all();
        all.forEach(s -> out.printf(
                "%s %s%s (Retry-After %d s; by %s at %s)%n",
                s.name(),
                s.paused() ? "PAUSED" : "on",
                s.message() == null ? "" : ": " + s.message(),
                s.retryAfter().toSeconds(),
                s.updatedBy(),
                s.updatedAt()));
        out.println(all.stream().filter(Switches.Switch::paused).count() + " paused; unset switches are on");
        return OpsCommands.OK;
    }

    private int switchesSet(List<String> words, Map<String, String> options, PrintStream out) {
        if (words.size() != 4 || !Set.of("on", "paused").contains(words.get(3))) {
            return usage(out, "switches set needs <generation|sales|model:<id>> on|paused");
        }
        String invalid = switchActions.invalidName(words.get(2));
        if (invalid != null) {
            return usage(out, "switch " + words.get(2) + ": " + invalid);
        }
        String message = options.get("message");
        if (message != null && !message.isBlank()) {
            // what refused users read and the reason the audit records: the operator reason rule
            Optional<String> problem = OperatorReason.problem(message);
            if (problem.isPresent()) {
                return usage(out, "--message " + problem.get());
            }
        }
        Integer retry;
        try {
            retry = options.containsKey("retry-after") ? Integer.valueOf(options.get("retry-after")) : null;
        } catch (NumberFormatException e) {
            return usage(out, "--retry-after must be a whole number of seconds");
        }
        String key = options.getOrDefault("key", "cli:" + java.util.UUID.randomUUID());
        return report(
                out,
                "switch " + words.get(2),
                switchActions.set(
                        options.getOrDefault("actor", "cli"),
                        words.get(2),
                        words.get(3).equals("paused"),
                        options.get("message"),
                        retry,
                        key));
    }

    private static int report(PrintStream out, String what, ActionResult result) {
        if (result instanceof ActionResult.Done d) {
            out.println((d.repeated() ? "already done: " : "done: ") + what + " "
                    + d.action().after());
            return OpsCommands.OK;
        }
        out.println("refused: " + what + ": " + describe(result));
        return OpsCommands.FINDING;
    }

    static String describe(ActionResult r) {
        if (r instanceof ActionResult.NotFound n) {
            return n.message();
        }
        if (r instanceof ActionResult.Refused f) {
            return f.message();
        }
        return r.toString();
    }

    /** A key from the command's meaning and the UTC day: the same command repeated today acts once. */
    static String derivedKey(String action, String a, String b, String c, Clock clock) {
        String day = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        return "cli:" + action + ":" + day + ":" + digest(action, a, String.valueOf(b), String.valueOf(c), day);
    }

    private static String digest(String... parts) {
        String material = String.join("\n", parts);
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int usage(PrintStream out, String problem) {
        out.println("error: " + problem);
        out.println(OpsCommands.HELP);
        return OpsCommands.USAGE;
    }
}

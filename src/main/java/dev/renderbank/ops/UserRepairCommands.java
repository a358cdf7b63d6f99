package dev.renderbank.ops;

import static dev.renderbank.ops.CommandAnswers.report;
import static dev.renderbank.ops.CommandAnswers.usage;

import dev.renderbank.identity.UserAccount;
import dev.renderbank.identity.Users;
import dev.renderbank.ledger.HistoryPage;
import dev.renderbank.ledger.Ledger;
import dev.renderbank.ledger.LedgerEntry;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import org.springframework.stereotype.Component;

/**
 * The repair commands of {@link RepairCommands} that act on one user, named by email: waive debt,
 * suspend, reinstate, revoke tokens. Each goes through {@link UserActions}, audited like the admin
 * pages.
 */
@Component
class UserRepairCommands {

    private final Users users;
    private final UserActions userActions;
    private final Ledger ledger;

    UserRepairCommands(Users users, UserActions userActions, Ledger ledger) {
        this.users = users;
        this.userActions = userActions;
        this.ledger = ledger;
    }

    /** {@code --amount}: credits to forgive at most; without it, all of the debt. */
    int waiveDebt(List<String> words, Map<String, String> options, PrintStream out) {
        Long amount = null;
        if (options.containsKey("amount")) {
            try {
                amount = Long.parseLong(options.get("amount").trim());
            } catch (NumberFormatException e) {
                amount = 0L;
            }
            if (amount < 1) {
                return usage(out, "--amount must be a positive whole number of credits (leave it out to forgive all)");
            }
        }
        Long forgive = amount;
        return onUser(
                words,
                options,
                out,
                true,
                (user, reason) -> debtKey(user, reason, forgive),
                (actor, user, reason, key) -> userActions.waiveDebt(actor, user.id(), reason, forgive, key));
    }

    int suspend(List<String> words, Map<String, String> options, PrintStream out) {
        return onUser(
                words,
                options,
                out,
                true,
                UserRepairCommands::freshKey,
                (actor, user, reason, key) -> userActions.suspend(actor, user.id(), reason, key));
    }

    int reinstate(List<String> words, Map<String, String> options, PrintStream out) {
        return onUser(
                words,
                options,
                out,
                true,
                UserRepairCommands::freshKey,
                (actor, user, reason, key) -> userActions.reinstate(actor, user.id(), reason, key));
    }

    /**
     * With {@code --all}, revokes every live token of the user and ends their browser sessions;
     * without it, revokes nothing ({@link #tokensRevokeUnconfirmed}).
     */
    int revokeTokens(List<String> words, Map<String, String> options, PrintStream out) {
        return options.containsKey("all")
                ? onUser(
                        words,
                        options,
                        out,
                        false,
                        UserRepairCommands::freshKey,
                        (actor, user, reason, key) -> userActions.revokeTokens(actor, user.id(), reason, key))
                : tokensRevokeUnconfirmed(words, out);
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
    private String debtKey(UserAccount user, String reason, Long amount) {
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
                + CommandKeys.digest("waive-debt", Long.toString(user.id()), debt, reason)
                + (amount == null ? "" : ":" + amount);
    }
}

package dev.renderbank.ops;

import static dev.renderbank.ops.CommandAnswers.report;
import static dev.renderbank.ops.CommandAnswers.usage;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The repair commands of {@link OpsCli} (waive debt, suspend, revoke tokens, fail or check a job,
 * switches, close a Creem dispute, resume the provider, acknowledge a reconciliation finding): each goes through the same audited actions as
 * the admin pages, with the actor given. Exit codes: {@link OpsCommands#OK}, {@link
 * OpsCommands#FINDING} for a refusal or an unknown target, {@link OpsCommands#USAGE}. Here are the
 * dispatch and the commands on one job, dispute or the provider; the commands on a user are {@link
 * UserRepairCommands}, the switch commands {@link SwitchCommands}; all print their outcome the same
 * way ({@link CommandAnswers}).
 */
@Component
class RepairCommands {

    private final UserRepairCommands userCommands;
    private final SwitchCommands switchCommands;
    private final JobActions jobActions;
    private final PaymentActions payments;
    private final ProviderActions provider;
    private final FindingAcknowledgements acknowledgements;

    RepairCommands(
            UserRepairCommands userCommands,
            SwitchCommands switchCommands,
            JobActions jobActions,
            PaymentActions payments,
            ProviderActions provider,
            FindingAcknowledgements acknowledgements) {
        this.acknowledgements = acknowledgements;
        this.userCommands = userCommands;
        this.switchCommands = switchCommands;
        this.provider = provider;
        this.payments = payments;
        this.jobActions = jobActions;
    }

    int execute(String command, List<String> words, Map<String, String> options, PrintStream out) {
        return switch (command) {
            case "credits waive-debt" -> userCommands.waiveDebt(words, options, out);
            case "users suspend" -> userCommands.suspend(words, options, out);
            case "users reinstate" -> userCommands.reinstate(words, options, out);
            case "tokens revoke" -> userCommands.revokeTokens(words, options, out);
            case "jobs check" -> jobsCheck(words, options, out);
            case "jobs fail" -> jobsFail(words, options, out);
            case "switches show" -> switchCommands.show(words, out);
            case "disputes close" -> disputesClose(words, options, out);
            case "provider resume" -> providerResume(words, options, out);
            case "reconcile acknowledge" -> reconcileAcknowledge(words, options, out);
            default -> switchCommands.set(words, options, out);
        };
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

    /**
     * Acknowledges a reconciliation finding no repair can clear, as the page's "Acknowledge" does
     * ({@link FindingAcknowledgements}): later runs do not count it (nor their exit code) while its
     * evidence stays the same. Without --key the key is the finding's: the same command run again
     * answers the first acknowledgement ("already done"). A repairable, repaired or unknown finding is
     * refused (exit 1).
     */
    private int reconcileAcknowledge(List<String> words, Map<String, String> options, PrintStream out) {
        if (words.size() != 3 || !options.containsKey("reason") || !options.containsKey("actor")) {
            return usage(out, "reconcile acknowledge needs <findingId> --reason and --actor");
        }
        long id;
        try {
            id = Long.parseLong(words.get(2));
        } catch (NumberFormatException e) {
            return usage(
                    out, "reconcile acknowledge: the finding id is a number (FINDING <id> …), not " + words.get(2));
        }
        String key = options.getOrDefault("key", "cli:reconcile-acknowledge:" + id);
        return report(
                out,
                "reconcile acknowledge " + id,
                acknowledgements.acknowledge(options.get("actor"), id, options.get("reason"), key));
    }
}

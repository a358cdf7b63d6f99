package dev.renderbank.ops;

import dev.renderbank.ops.internal.OperatorReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The arguments of an {@link OpsCli} command as every command reads them, checked before anything
 * is looked up: words (the command and its emails, task ids, switch names, each one printable line)
 * and {@code --name value} options ({@code --name=value} too; {@link RepairCommands#FLAGS} take no
 * value), Spring's own {@code --key=value} arguments left out. An actor, key or reason must pass
 * the rules the admin forms and the API apply ({@link OperatorReason}); a reason is kept trimmed.
 */
sealed interface OpsArguments {

    /** Arguments fit to run: {@code command} is the first two words (the switch of {@link OpsCommands}). */
    record Parsed(String command, List<String> words, Map<String, String> options) implements OpsArguments {}

    /** What is wrong with the arguments, for the usage message; nothing was looked up. */
    record Refused(String problem) implements OpsArguments {}

    static OpsArguments parse(String[] args) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (OpsCli.isSpringArgument(args[i])) {
                continue;
            }
            if (RepairCommands.FLAGS.contains(args[i])) {
                options.put(args[i].substring(2), "true");
                continue;
            }
            int eq = args[i].indexOf('=');
            if (args[i].startsWith("--") && eq > 2) { // --older-than=2h, as --older-than 2h
                options.put(args[i].substring(2, eq), args[i].substring(eq + 1));
                continue;
            }
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    return new Refused(args[i] + " needs a value");
                }
                options.put(args[i].substring(2), args[++i]);
            } else {
                words.add(args[i]);
            }
        }
        for (String word : words) {
            // emails, task ids, switch names: looked up or stored as given, so one printable line
            Optional<String> problem = OperatorReason.lineProblem(word);
            if (problem.isPresent()) {
                return new Refused("argument " + printable(word) + " " + problem.get());
            }
        }
        String command = String.join(" ", words.subList(0, Math.min(2, words.size())));
        if (options.containsKey("actor")) {
            // recorded in the audit trail and shown on the admin pages beside the reason: the same rule
            Optional<String> problem = OperatorReason.actorProblem(options.get("actor"));
            if (problem.isPresent()) {
                return new Refused("--actor " + problem.get());
            }
        }
        if (options.containsKey("key")) {
            // the idempotency key is recorded beside the actor and the reason: the same rule, one line
            Optional<String> problem = OperatorReason.keyProblem(options.get("key"));
            if (problem.isPresent()) {
                return new Refused("--key " + problem.get());
            }
        }
        if (options.containsKey("reason")) {
            // the same rule as the admin forms' and the API's reasons, before anything is looked up
            Optional<String> problem = OperatorReason.problem(options.get("reason"));
            if (problem.isPresent()) {
                return new Refused("--reason " + problem.get());
            }
            options.put("reason", options.get("reason").trim()); // stored trimmed, as from a form or the API
        }
        return new Parsed(command, words, options);
    }

    /** {@code text} with its control characters shown as {@code ?}, to quote it in a message. */
    private static String printable(String text) {
        return "\"" + text.replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}

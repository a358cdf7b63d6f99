package dev.renderbank.ops;

import dev.renderbank.ops.internal.OperatorReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The arguments of an {@link OpsCli} command as every command reads them, checked before anything
 * is looked up: words (the command and its emails, task ids, switch names, each one printable line)
 * and {@code --name value} options ({@code --name=value} too; {@link #FLAGS} take no value), each
 * one the command takes ({@link #OPTIONS}), and Spring's settings left out: a {@code --name=value}
 * whose name has a dot ({@code --spring.profiles.active=prod}, {@code --renderbank.…=}). An actor, key or reason must pass
 * the rules the admin forms and the API apply ({@link OperatorReason}); a reason is kept trimmed.
 */
sealed interface OpsArguments {

    /** Arguments fit to run: {@code command} is the first two words (the switch of {@link OpsCommands}). */
    record Parsed(String command, List<String> words, Map<String, String> options) implements OpsArguments {}

    /** What is wrong with the arguments, for the usage message; nothing was looked up. */
    record Refused(String problem) implements OpsArguments {}

    /** The longest word (email, task id, dispute id, switch name): an email's limit, far above any id. */
    int MAX_WORD = 254;

    /**
     * The options each command takes (the key is its first two words, or its only word); any other
     * option is bad usage, named with the ones the command takes. A misspelt option used to be
     * ignored: {@code credits waive-debt … --ammount 100} forgave the whole debt.
     */
    Map<String, Set<String>> OPTIONS = Map.ofEntries(
            Map.entry("help", Set.of()),
            Map.entry("credits show", Set.of()),
            Map.entry("credits grant", Set.of("reason", "actor", "key")),
            Map.entry("credits waive-debt", Set.of("reason", "actor", "amount", "key")),
            Map.entry("holds summary", Set.of()),
            Map.entry("jobs stuck", Set.of("older-than")),
            Map.entry("jobs check", Set.of("actor")),
            Map.entry("jobs fail", Set.of("reason", "actor", "key")),
            Map.entry("reconcile", Set.of("actor")),
            Map.entry("reconcile acknowledge", Set.of("reason", "actor", "key")),
            Map.entry("users create-admin", Set.of("actor", "reason")),
            Map.entry("users suspend", Set.of("reason", "actor", "key")),
            Map.entry("users reinstate", Set.of("reason", "actor", "key")),
            Map.entry("tokens revoke", Set.of("all", "reason", "actor", "key")),
            Map.entry("switches show", Set.of()),
            Map.entry("switches set", Set.of("message", "retry-after", "actor", "key")),
            Map.entry("disputes close", Set.of("reason", "actor", "key")),
            Map.entry("provider resume", Set.of("reason", "actor", "key")));

    /** Options that take no value: {@code --all}, never {@code --all=false}. */
    Set<String> FLAGS = Set.of("all");

    static OpsArguments parse(String[] args) {
        List<String> words = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (OpsCli.isSpringArgument(arg)) {
                if (OpsCli.isOwnSetting(arg)) {
                    return new Refused("the setting " + OpsCli.ATTACH_TO_RUNNING + " is the command line's own"
                            + " (a command uses the running service's embedded database server, or its own while"
                            + " none runs, and never migrates it): leave " + printable(arg) + " out; nothing was"
                            + " started");
                }
                continue; // a setting: --spring.…=, --renderbank.…= (a dot in its name)
            }
            if (!arg.startsWith("--")) {
                words.add(arg);
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 2 ? arg.substring(2, eq) : arg.substring(2);
            if (name.contains(".")) {
                return new Refused("the setting " + printable(name) + " is given as --" + name + "=<value>");
            }
            if (options.containsKey(name)) {
                return new Refused("--" + name + " is given twice");
            }
            if (FLAGS.contains(name)) {
                if (eq > 2) {
                    return new Refused("--" + name + " takes no value (" + printable(arg) + ")");
                }
                options.put(name, "true");
            } else if (eq > 2) { // --older-than=2h, as --older-than 2h
                options.put(name, arg.substring(eq + 1));
            } else if (i + 1 >= args.length) {
                return new Refused(arg + " needs a value");
            } else {
                options.put(name, args[++i]);
            }
        }
        for (String word : words) {
            // emails, task ids, switch names: looked up or stored as given, so one printable line
            Optional<String> problem = OperatorReason.lineProblem(word);
            if (problem.isPresent()) {
                return new Refused("argument " + printable(word) + " " + problem.get());
            }
            if (word.length() > MAX_WORD) {
                return new Refused("argument " + printable(word.substring(0, 20)) + "… is longer than " + MAX_WORD
                        + " characters (no email or id is)");
            }
        }
        if (!words.isEmpty()) {
            Set<String> takes = OPTIONS.getOrDefault(
                    String.join(" ", words.subList(0, Math.min(2, words.size()))), OPTIONS.get(words.get(0)));
            if (takes == null) {
                return new Refused("unknown command "
                        + printable(String.join(" ", words.subList(0, Math.min(2, words.size())))));
            }
            for (String name : options.keySet()) {
                if (!takes.contains(name)) {
                    return new Refused("unknown option " + printable("--" + name) + " for "
                            + String.join(" ", words.subList(0, Math.min(2, words.size())))
                            + (takes.isEmpty()
                                    ? ", which takes no options"
                                    : "; it takes "
                                            + String.join(
                                                    ", ",
                                                    takes.stream()
                                                            .sorted()
                                                            .map(o -> "--" + o)
                                                            .toList()))
                            + " (nothing was done)");
                }
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

package dev.renderbank.ops;

import static dev.renderbank.ops.CommandAnswers.report;
import static dev.renderbank.ops.CommandAnswers.usage;

import dev.renderbank.ops.internal.OperatorReason;
import dev.renderbank.platform.Switches;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * The switch commands of {@link RepairCommands}: {@code switches show} lists every switch, {@code
 * switches set} pauses or resumes generation, sales or one model through {@link SwitchActions},
 * audited like the switches page.
 */
@Component
class SwitchCommands {

    private final SwitchActions switchActions;

    SwitchCommands(SwitchActions switchActions) {
        this.switchActions = switchActions;
    }

    int show(List<String> words, PrintStream out) {
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

    int set(List<String> words, Map<String, String> options, PrintStream out) {
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
}

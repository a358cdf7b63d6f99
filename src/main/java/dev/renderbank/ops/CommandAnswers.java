package dev.renderbank.ops;

import java.io.PrintStream;

/**
 * How the command line prints an audited action's outcome and its exit code: "done" or "already
 * done" with the state after it ({@link OpsCommands#OK}), "refused" with why ({@link
 * OpsCommands#FINDING}), or the problem and the help for bad usage ({@link OpsCommands#USAGE}).
 */
final class CommandAnswers {

    private CommandAnswers() {}

    static int report(PrintStream out, String what, ActionResult result) {
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

    static int usage(PrintStream out, String problem) {
        out.println("error: " + problem);
        out.println(OpsCommands.HELP);
        return OpsCommands.USAGE;
    }
}

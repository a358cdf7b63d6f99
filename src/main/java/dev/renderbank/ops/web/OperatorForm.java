package dev.renderbank.ops.web;

import dev.renderbank.ops.ActionResult;
import dev.renderbank.ops.OperatorAction;
import dev.renderbank.ops.internal.OperatorReason;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The reason and idempotency key every operator action carries, checked by one rule for the admin
 * pages' forms, the admin API ({@link ActionAnswers}) and the command line ({@link OperatorReason}),
 * so a reason the API refuses is refused by a form too, with a message instead of an error page. A
 * reason is required, at most {@value #MAX_REASON} characters (the audit record's limit) and
 * printable: control characters other than line breaks and tabs are refused, since the reason is
 * shown in pages and mail and written to logs.
 * A form must carry its key (each form is rendered with a fresh one, so a double submit acts once).
 */
final class OperatorForm {

    static final int MAX_REASON = OperatorReason.MAX;

    private OperatorForm() {}

    /** A form's accepted fields: the trimmed reason and the key. */
    record Checked(String reason, String key) {}

    /** What to fix about {@code reason} (worded to follow "reason "): {@link OperatorReason}'s rule. */
    static Optional<String> reasonProblem(String reason) {
        return OperatorReason.problem(reason);
    }

    /** What to fix about a key (worded to follow "Idempotency-Key "): {@link OperatorReason}'s rule. */
    static Optional<String> keyProblem(String key) {
        return OperatorReason.keyProblem(key);
    }

    /**
     * The form's reason and key when both pass the rule; otherwise empty, and the refusal ("Cannot
     * {@code what}: …") is flashed for the page the caller redirects to.
     */
    static Optional<Checked> check(String reason, String key, String what, RedirectAttributes flash) {
        Optional<String> problem = reasonProblem(reason).map(p -> "the reason " + p);
        if (problem.isEmpty()) {
            problem = keyProblem(key)
                    .map(p -> "the form carries no usable idempotency key; reload the page and submit again");
        }
        if (problem.isPresent()) {
            refuse(flash, "Cannot " + what + ": " + problem.get() + ".");
            return Optional.empty();
        }
        return Optional.of(new Checked(reason.trim(), key));
    }

    /**
     * Flashes an action's outcome for the page the caller redirects to: what was done ({@code done}
     * names it, e.g. "Job x: job-fail"), marked when the same form had been submitted before, with
     * the state after; or why nothing was done.
     */
    static void outcome(RedirectAttributes flash, ActionResult result, Function<OperatorAction, String> done) {
        if (result instanceof ActionResult.Done d) {
            flash.addFlashAttribute(
                    "flash",
                    done.apply(d.action()) + (d.repeated() ? " (already done)" : "") + " → "
                            + d.action().after());
            flash.addFlashAttribute("refused", false);
        } else if (result instanceof ActionResult.NotFound n) {
            refuse(flash, n.message());
        } else {
            refuse(flash, "Refused: " + ((ActionResult.Refused) result).message());
        }
    }

    /** Flashes a refusal for the page the caller redirects to. */
    static void refuse(RedirectAttributes flash, String message) {
        flash.addFlashAttribute("flash", message);
        flash.addFlashAttribute("refused", true);
    }
}

package dev.renderbank.account;

import dev.renderbank.generation.FailureCodes;
import dev.renderbank.ledger.LedgerEntry;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that turns ledger entries into words. The ledger records a kind, a key and the
 * reason its caller gave; the keys' shapes are set by their writers (generation jobs {@code gen_…},
 * rewards {@code reward:<what>:…}, billing's purchase, plan-month, refund and dispute keys).
 */
final class HistoryLines {

    private static final Pattern STREAK_DAY = Pattern.compile("day (\\d+)");
    private static final Pattern PLAN_MONTH = Pattern.compile("(\\S+) credits for (.+)");

    private HistoryLines() {}

    /** {@code modelOf} names the model of one of the user's generations (empty if unknown). */
    static HistoryLine describe(LedgerEntry e, Function<String, Optional<String>> modelOf) {
        String ref = e.reference() == null ? "" : e.reference();
        String task = ref.startsWith("gen_") ? ref : null;
        String text = switch (e.kind()) {
            case "GRANT" -> grant(ref, e.source(), e.reason());
            case "HOLD" -> generation(task, modelOf, "credits held", "Credits held");
            case "CAPTURE" -> generation(task, modelOf, null, "Credits charged");
            case "RELEASE" -> generation(task, modelOf, released(e.reason()), "Held credits released");
            case "EXPIRE" ->
                generation(task, modelOf, "not charged (the hold expired)", "Held credits released (expired)");
            case "CLAWBACK" -> clawback(e.reason());
            case "DEBT_WAIVED" -> withReason("Debt waived", e.reason());
            case "DEBT_PAID" ->
                generation(task, modelOf, "its credits came back and paid debt", "Released credits paid debt");
            default -> withReason(capitalize(e.kind().toLowerCase(Locale.ROOT).replace('_', ' ')), e.reason());
        };
        return new HistoryLine(e.createdAt(), text, task, change(e), tone(e));
    }

    private static String grant(String ref, String source, String reason) {
        String why = reason == null ? "" : reason;
        if (ref.startsWith("reward:check-in:")) {
            Matcher day = STREAK_DAY.matcher(why);
            return day.find() ? "Daily check-in (day " + day.group(1) + ")" : "Daily check-in";
        }
        if (ref.startsWith("reward:share:")) {
            return "Share reward";
        }
        if (ref.startsWith("reward:referral")) { // as the ledger shows it to its owner: without the invited user
            return why.contains("given back")
                    ? "Referral reward given back: a refund or dispute of the invited user's purchase was reversed"
                    : "Referral reward: someone you invited made their first purchase";
        }
        if (ref.startsWith("demo-seed:")) {
            return "Demo account credits";
        }
        return switch (source == null ? "" : source) {
            case "SIGNUP" -> "Sign-up bonus";
            case "PURCHASE" -> why.startsWith("dispute ") ? capitalize(why) + ": credits returned" : capitalize(why);
            case "SUBSCRIPTION" -> {
                Matcher m = PLAN_MONTH.matcher(why);
                yield m.matches() ? "Plan " + m.group(1) + ": credits for " + m.group(2) : "Plan credits";
            }
            case "ADMIN" -> withReason("Credits from renderbank", reason);
            case "COMPENSATION" -> withReason("Compensation", reason);
            default -> why.isBlank() ? "Credits granted" : capitalize(why);
        };
    }

    private static String generation(
            String task, Function<String, Optional<String>> modelOf, String what, String otherwise) {
        if (task == null) {
            return otherwise;
        }
        String name = "Generation " + task
                + modelOf.apply(task).map(m -> " (" + m + ")").orElse("");
        return what == null ? name : name + ": " + what;
    }

    /**
     * Why a generation's credits were released, in words: the release's reason is the job's failure
     * code ({@link FailureCodes}); an unknown one reads as a generic phrase, never as the code.
     */
    private static String released(String reason) {
        if (reason == null || reason.isBlank()) {
            return "not charged";
        }
        return "not charged (" + FailureCodes.inWords(reason) + ")";
    }

    private static String clawback(String reason) {
        if ("debt carried from a deleted account".equals(reason)) {
            return "Debt carried from a deleted account of your email address";
        }
        if (reason != null && (reason.startsWith("refund ") || reason.startsWith("dispute "))) {
            return capitalize(reason) + ": credits taken back";
        }
        return withReason("Credits taken back", reason);
    }

    private static String change(LedgerEntry e) {
        String main;
        if (e.balanceDelta() != 0) {
            main = signed(e.balanceDelta());
        } else if (e.heldDelta() > 0) {
            main = e.heldDelta() + " held";
        } else if (e.heldDelta() < 0) {
            main = -e.heldDelta() + " released";
        } else {
            main = "";
        }
        if (e.debtDelta() != 0) {
            String debt = "debt " + signed(e.debtDelta());
            return main.isEmpty() ? debt : main + " (" + debt + ")";
        }
        return main;
    }

    private static String tone(LedgerEntry e) {
        return e.balanceDelta() > 0 ? "plus" : e.balanceDelta() < 0 ? "minus" : "muted";
    }

    private static String signed(long n) {
        return n > 0 ? "+" + n : "−" + -n; // a real minus sign, as typeset
    }

    private static String withReason(String what, String reason) {
        return reason == null || reason.isBlank() ? what : what + ": " + reason;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}

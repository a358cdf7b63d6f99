package dev.renderbank.provider.internal;

import dev.renderbank.provider.BalanceOutcome;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderError.Kind;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitOutcome;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * What an answer of KIE's means for each call: the outcome records the rest of the application
 * acts on. {@code body} is the parsed JSON object (null when the body is not one), {@code raw} the
 * body as received.
 */
final class KieOutcomes {

    private static final Logger log = LoggerFactory.getLogger(KieOutcomes.class);

    /** The states KIE documents for a task that has not finished. */
    private static final Set<String> RUNNING_STATES = Set.of("waiting", "queuing", "generating");

    /** How many distinct undocumented states are named in the log, each once. */
    private static final int UNKNOWN_STATES_LOGGED = 20;

    private static final Set<String> unknownStatesLogged = ConcurrentHashMap.newKeySet();

    private KieOutcomes() {}

    /**
     * Only answers that prove no task exists are refusals; anything else that may have reached KIE
     * is {@link SubmitOutcome.Unknown}, because a retry could create (and pay for) a second task. An
     * unknown answer that names a task all the same ({@code data.taskId} beside a 503, a 429, a code
     * other than 200) carries its id: the task may exist and be billed, and only by its id can it be
     * asked about; dropped, the job waited for its deadline and the paid result was lost.
     */
    static SubmitOutcome submit(int status, JsonNode body, String raw) {
        OptionalInt bodyCode = KieAnswers.bodyCode(body);
        if (status / 100 == 2 && bodyCode.orElse(0) == 200) {
            return KieAnswers.presentText(body.path("data").path("taskId"))
                    .map(KieOutcomes::accepted)
                    .orElseGet(() -> new SubmitOutcome.Unknown("createTask answered success without a taskId"));
        }
        SubmitOutcome outcome = notAccepted(status, bodyCode, body, raw);
        return outcome instanceof SubmitOutcome.Unknown unknown
                ? new SubmitOutcome.Unknown(unknown.why(), namedTask(body))
                : outcome;
    }

    /**
     * The task an answer that is no success names ({@code data.taskId} as text or a whole number),
     * when a job can record it (as {@link #accepted} says); empty otherwise.
     */
    private static Optional<String> namedTask(JsonNode body) {
        JsonNode id = body.path("data").path("taskId");
        if (!id.isString() && !id.isIntegralNumber()) {
            return Optional.empty();
        }
        return KieAnswers.presentText(id).filter(KieOutcomes::recordable);
    }

    private static boolean recordable(String taskId) {
        return taskId.length() <= MAX_TASK_ID && taskId.chars().noneMatch(Character::isISOControl);
    }

    /** Every answer but a 2xx with code 200: a refusal, or (anything that may have reached KIE) unknown. */
    private static SubmitOutcome notAccepted(int status, OptionalInt bodyCode, JsonNode body, String raw) {
        if (status / 100 == 2 && bodyCode.isEmpty()) {
            return new SubmitOutcome.Unknown(
                    "createTask answered HTTP " + status + " without a readable code: " + abbreviate(raw));
        }
        if (status / 100 != 2 && (!refusalStatus(status) || bodyCode.orElse(0) == 200)) {
            // A gateway's 502/504, a 500, a 408, a redirect: the request may have reached KIE, and a
            // body code saying otherwise (429, 455, a refusal: a proxy's copy of another answer, or a
            // success) does not prove that no task exists. The body's code is read only under a 2xx
            // (KIE's way of reporting errors) or under a status that is a refusal itself.
            return new SubmitOutcome.Unknown("createTask answered HTTP " + status
                    + bodyCode.stream()
                            .mapToObj(c -> " with body code " + c)
                            .findFirst()
                            .orElse("")
                    + ": " + abbreviate(raw));
        }
        ProviderError error = KieAnswers.classify(status, body);
        int code = error.code();
        if (code == 429 || code == 455) {
            return new SubmitOutcome.RetryLater(error);
        }
        if ((code >= 400 && code < 500 && code != 408) || code == 501 || code == 505) {
            return new SubmitOutcome.Rejected(error);
        }
        // 408, any other 5xx, a redirect: a proxy or KIE itself may have created the task meanwhile
        return new SubmitOutcome.Unknown("createTask answered " + code + ": " + error.message());
    }

    /**
     * A status by which the server turned the request away before doing anything with it: 4xx other
     * than 408 (429 and KIE's 455 included), 501 (KIE's "generation failed"; a proxy's "not
     * implemented", which did not forward it: refused, its kind {@code UNAVAILABLE}) and 505.
     */
    private static boolean refusalStatus(int status) {
        return (status / 100 == 4 && status != 408) || status == 501 || status == 505;
    }

    /** The longest task id taken from createTask (KIE's are 32 characters; the callback's limit too). */
    static final int MAX_TASK_ID = 200;

    /**
     * A success naming a task id that cannot be a task's (too long for the task key's index, or with
     * a control character: a NUL cannot be stored) is {@link SubmitOutcome.Unknown}: the provider may
     * have created a task, but the job cannot record it, so it must never be sent again; a callback
     * naming a usable id, or the deadline (which releases the credits), resolves it.
     */
    private static SubmitOutcome accepted(String taskId) {
        if (recordable(taskId)) {
            return new SubmitOutcome.Accepted(taskId);
        }
        String shown = printable(taskId, 40);
        return new SubmitOutcome.Unknown("createTask answered success with an unusable task id ("
                + taskId.length() + " characters"
                + (taskId.chars().anyMatch(Character::isISOControl) ? ", control characters" : "")
                + "): " + shown + (taskId.length() > 40 ? "..." : ""));
    }

    /** The first {@code max} code points of a provider's text, control characters shown as '?'. */
    private static String printable(String text, int max) {
        return text.codePoints()
                .limit(max)
                .map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
    }

    private static String abbreviate(String raw) {
        if (raw == null || raw.isBlank()) {
            return "(empty body)";
        }
        String oneLine = raw.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    /**
     * A task read's answer that is not a success, as either API's record read gives it: KIE's 501
     * ("generation failed", the body's code) is the task's final failure; any other error, a bare
     * 501 status included ({@link KieAnswers#classify}: a gateway's, not KIE's word), is {@link
     * QueryOutcome.Unavailable}, asked again. Empty for a success, whose record the caller reads.
     */
    static Optional<QueryOutcome> unsuccessful(int status, JsonNode body) {
        if (KieAnswers.isSuccess(status, body)) {
            return Optional.empty();
        }
        ProviderError error = KieAnswers.classify(status, body);
        return Optional.of(
                error.kind() == Kind.GENERATION_FAILED
                        ? new QueryOutcome.Failed(String.valueOf(error.code()), error.message())
                        : new QueryOutcome.Unavailable(error));
    }

    /**
     * A record answer (recordInfo or Flux Kontext's record-info) that names another task than the one
     * asked about (a cache that drops the query string, a mix-up): its result may be another user's,
     * so it is unavailable, asked again, never delivered as this one's. Empty when it names the task
     * asked about, or none.
     */
    static Optional<QueryOutcome> ofAnotherTask(String asked, int status, JsonNode body) {
        String answeredFor = body.path("data").path("taskId").asString("");
        if (answeredFor.isEmpty() || answeredFor.equals(asked)) {
            return Optional.empty();
        }
        return Optional.of(new QueryOutcome.Unavailable(new ProviderError(
                Kind.INCOMPLETE_RECORD, status, "the record answered is of another task (" + answeredFor + ")")));
    }

    /**
     * A recordInfo answer. A body code 501 is KIE's word that the generation failed, as final as a
     * record in state {@code fail}; every other error (a 501 status without that body included) (404 and 422 included: a task may not be readable in the
     * first moments after createTask) is {@link QueryOutcome.Unavailable}, its kind telling the caller
     * whether it says something about the task (generation decides how long such answers may last).
     */
    static QueryOutcome query(int status, JsonNode body) {
        Optional<QueryOutcome> unsuccessful = unsuccessful(status, body);
        if (unsuccessful.isPresent()) {
            return unsuccessful.get();
        }
        JsonNode data = body.path("data");
        JsonNode stateNode = data.path("state");
        // only text names a state: a number, object, array or boolean is no state, not "still running"
        String state = stateNode.isString() ? stateNode.asString().strip() : "";
        return switch (state) {
            case "success" ->
                KieAnswers.resultUrls(data)
                        .<QueryOutcome>map(QueryOutcome.Succeeded::new)
                        .orElseGet(() -> new QueryOutcome.Unavailable(new ProviderError(
                                Kind.INCOMPLETE_RECORD, status, "recordInfo answered success without result URLs")));
            case "fail" ->
                new QueryOutcome.Failed(
                        KieAnswers.text(data.path("failCode"), "unknown"),
                        KieAnswers.text(data.path("failMsg"), "The provider reported the generation failed"));
            case "" ->
                new QueryOutcome.Unavailable(new ProviderError(
                        Kind.RECORD_WITHOUT_STATE,
                        status,
                        stateNode.isMissingNode() || stateNode.isNull() || stateNode.isString()
                                ? "recordInfo answered without a state"
                                : "recordInfo answered a state that is not text (" + stateNode.getNodeType() + ")"));
            // waiting, queuing, generating, and any state KIE adds later: not finished yet (the
            // job's deadline ends a task that never leaves such a state)
            default -> {
                if (!RUNNING_STATES.contains(state)) {
                    warnUnknownState(state);
                }
                yield new QueryOutcome.Running(state, KieAnswers.progress(data));
            }
        };
    }

    /**
     * Tells the operator, once per state, that KIE named a state it does not document: read as
     * still running, which is right for a new intermediate state and wrong for a new final one.
     */
    private static void warnUnknownState(String state) {
        String shown = printable(state, 40);
        if (unknownStatesLogged.size() < UNKNOWN_STATES_LOGGED && unknownStatesLogged.add(shown)) {
            log.warn(
                    "recordInfo answered the undocumented state '{}': read as still running, so such a task ends"
                            + " only by the job's deadline if the state is final (logged once per state)",
                    shown);
        }
    }

    static BalanceOutcome balance(int status, JsonNode body) {
        if (!KieAnswers.isSuccess(status, body)) {
            return new BalanceOutcome.Unavailable(KieAnswers.classify(status, body));
        }
        JsonNode data = body.path("data");
        if (data.isNumber()) {
            return new BalanceOutcome.Known((long) Math.floor(data.asDouble()));
        }
        if (data.isString()) {
            try {
                return new BalanceOutcome.Known((long) Math.floor(Double.parseDouble(data.asString())));
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        return new BalanceOutcome.Unavailable(new ProviderError(Kind.OTHER, 200, "credit answered without a number"));
    }
}

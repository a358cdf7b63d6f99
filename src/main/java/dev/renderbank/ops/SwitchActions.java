package dev.renderbank.ops;

import dev.renderbank.catalog.Catalog;
import dev.renderbank.ops.internal.AuditedActions;
import dev.renderbank.ops.internal.AuditedActions.Request;
import dev.renderbank.ops.internal.AuditedActions.Step;
import dev.renderbank.platform.Switches;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pausing new generations (all, or one model) and sales: ops writes the switch (platform's {@link
 * Switches}, which generation and billing read) together with its audit record.
 */
@Service
public class SwitchActions {

    private static final JsonMapper JSON = JsonMapper.shared();

    private final Switches switches;
    private final Catalog catalog;
    private final AuditedActions actions;
    private final Clock clock;

    SwitchActions(Switches switches, Catalog catalog, AuditedActions actions, Clock clock) {
        this.switches = switches;
        this.catalog = catalog;
        this.actions = actions;
        this.clock = clock;
    }

    public List<Switches.Switch> all() {
        return switches.all();
    }

    /** Null when the name is one of generation, sales, model:&lt;a model of the catalog&gt;; else why not. */
    public String invalidName(String name) {
        if (Switches.GENERATION.equals(name) || Switches.SALES.equals(name)) {
            return null;
        }
        if (name != null && name.startsWith(Switches.MODEL_PREFIX)) {
            String model = name.substring(Switches.MODEL_PREFIX.length());
            return catalog.models().containsKey(model)
                    ? null
                    : "names no model of the catalog: " + model + " (models: "
                            + String.join(", ", catalog.models().keySet()) + ")";
        }
        return "must be generation, sales or model:<model id>";
    }

    /**
     * Sets the switch. {@code message} is what refused users read; {@code retryAfterSeconds} null
     * means {@link Switches#DEFAULT_RETRY_AFTER}. Running jobs are untouched.
     */
    public ActionResult set(
            String actor, String name, boolean paused, String message, Integer retryAfterSeconds, String key) {
        String invalid = invalidName(name);
        if (invalid != null) {
            throw new IllegalArgumentException("switch name " + invalid);
        }
        if (retryAfterSeconds != null && (retryAfterSeconds < 1 || retryAfterSeconds > 86_400)) {
            throw new IllegalArgumentException("retryAfterSeconds must be between 1 and 86400");
        }
        if (message != null && message.length() > 500) {
            throw new IllegalArgumentException("message must be at most 500 characters");
        }
        String reason = message == null || message.isBlank() ? (paused ? "paused" : "resumed") : message;
        Optional<ActionResult> reused = reusedFor(actor, name, paused, message, retryAfterSeconds, key);
        if (reused.isPresent()) {
            return reused.get();
        }
        return actions.run(new Request(actor, "switch", "switch:" + name, reason, null, key), () -> {
            Map<String, Object> before = view(switches.get(name));
            switches.set(name, paused, blankToNull(message), retryAfterSeconds, actor, clock.instant());
            return new Step.Applied(before, view(switches.get(name)));
        });
    }

    /**
     * A key this operator already used on this switch for another setting (a pause's key sent again
     * to resume, or with another message or wait): refused, as an API request whose key was used for
     * another body is. Answered as a repeat, the resume did nothing and said "already done", and the
     * switch stayed paused.
     */
    private Optional<ActionResult> reusedFor(
            String actor, String name, boolean paused, String message, Integer retryAfterSeconds, String key) {
        if (key == null) {
            return Optional.empty();
        }
        return actions.recorded(actor, "switch", key)
                .filter(prior -> prior.target().equals("switch:" + name) && prior.after() != null)
                .filter(prior -> setOtherwise(JSON.readTree(prior.after()), paused, message, retryAfterSeconds))
                .map(prior -> new ActionResult.Refused(
                        "key-reused",
                        "The Idempotency-Key " + key + " was used to set switch " + name + " to " + prior.after()
                                + "; send a new key to set it otherwise"));
    }

    /** Whether the switch as a prior action left it ({@code set}) is not what this request asks for. */
    private static boolean setOtherwise(JsonNode set, boolean paused, String message, Integer retryAfterSeconds) {
        if (set.path("paused").asBoolean() != paused) {
            return true;
        }
        if (!paused) {
            return false;
        }
        String priorMessage =
                set.path("message").isMissingNode() ? null : set.path("message").asString();
        return !Objects.equals(priorMessage, blankToNull(message))
                || retryAfterSeconds != null && set.path("retryAfterSeconds").asLong() != retryAfterSeconds;
    }

    private static Map<String, Object> view(Optional<Switches.Switch> s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("paused", s.map(Switches.Switch::paused).orElse(false));
        s.map(Switches.Switch::message).ifPresent(v -> m.put("message", v));
        s.ifPresent(v -> m.put("retryAfterSeconds", v.retryAfter().toSeconds()));
        return m;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

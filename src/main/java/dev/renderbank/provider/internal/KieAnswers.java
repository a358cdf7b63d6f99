package dev.renderbank.provider.internal;

import dev.renderbank.platform.StorableText;
import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderError.Kind;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.MissingNode;

/**
 * Reading KIE's {@code {code, msg, data}} answers. KIE reports errors both as HTTP statuses and as
 * a {@code code} in a 200 body, so both are looked at: a non-200 body code wins, else the status.
 */
final class KieAnswers {

    private static final JsonMapper JSON = JsonMapper.shared();

    /** The longest provider message kept (KIE's are a sentence). */
    static final int MAX_MESSAGE = 2000;

    private KieAnswers() {}

    /** The parsed body, or a missing node (every field of which is missing too) when it is not a JSON object. */
    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : MissingNode.getInstance();
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }

    /**
     * The body's {@code code} when it can be read as a whole number (a JSON number, or digits in a
     * string); empty when it is missing or anything else.
     */
    static OptionalInt bodyCode(JsonNode body) {
        JsonNode code = body.path("code");
        if (code.isMissingNode() || code.isNull()) {
            return OptionalInt.empty();
        }
        if (code.isIntegralNumber() && code.canConvertToInt()) {
            return OptionalInt.of(code.asInt());
        }
        if (code.isString() && code.asString().trim().matches("[0-9]{1,9}")) {
            return OptionalInt.of(Integer.parseInt(code.asString().trim()));
        }
        return OptionalInt.empty();
    }

    static boolean isSuccess(int httpStatus, JsonNode body) {
        return httpStatus / 100 == 2 && bodyCode(body).orElse(0) == 200;
    }

    /**
     * KIE reports an error as the body's {@code code} or as the HTTP status: a readable code other
     * than 200 wins, else the status. The text is under {@code msg} (createTask, credit) or
     * {@code message} (recordInfo).
     *
     * <p>501 is KIE's "generation failed" only as KIE's own answer, the body's code. A 501 status
     * without it (no body, a proxy's HTML "Not Implemented", a body whose code is 200) is a gateway
     * between us and KIE not coping, {@link Kind#UNAVAILABLE} like a 502: read as the task's failure,
     * a proxy's blip failed and released every job polled through it while KIE, paid, went on.
     */
    static ProviderError classify(int httpStatus, JsonNode body) {
        int bodyCode = bodyCode(body).orElse(0);
        boolean bodySays = bodyCode != 0 && bodyCode != 200;
        int code = bodySays ? bodyCode : httpStatus;
        String msg = firstText(body, "msg", "message")
                .orElse("HTTP " + httpStatus + (code != httpStatus ? ", code " + code : ""));
        Kind kind = code == 501 && !bodySays ? Kind.UNAVAILABLE : kindOf(code);
        return new ProviderError(kind, code, msg);
    }

    private static Optional<String> firstText(JsonNode body, String... fields) {
        for (String field : fields) {
            JsonNode value = body.path(field);
            if (value.isString() && !value.asString().isBlank()) {
                // quoted in logs, alerts, the provider status and the job's message: storable, bounded
                return Optional.of(StorableText.of(value.asString(), MAX_MESSAGE));
            }
        }
        return Optional.empty();
    }

    static Kind kindOf(int code) {
        return switch (code) {
            case 400, 422 -> Kind.VALIDATION;
            case 401 -> Kind.UNAUTHORIZED;
            case 402 -> Kind.INSUFFICIENT_CREDITS;
            case 404 -> Kind.NOT_FOUND;
            case 408 -> Kind.TIMEOUT;
            case 429 -> Kind.RATE_LIMITED;
            case 501 -> Kind.GENERATION_FAILED;
            case 505 -> Kind.FEATURE_DISABLED;
            default -> code == 455 || (code >= 500 && code < 600) ? Kind.UNAVAILABLE : Kind.OTHER;
        };
    }

    /** {@code data.progress} as 0-100 when the provider sent a number (or a numeric string), else -1. */
    static int progress(JsonNode data) {
        JsonNode p = data.path("progress");
        double value;
        if (p.isNumber()) {
            value = p.asDouble();
        } else if (p.isString()) {
            try {
                value = Double.parseDouble(p.asString().trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        } else {
            return -1;
        }
        if (Double.isNaN(value)) {
            return -1;
        }
        return (int) Math.max(0, Math.min(100, Math.round(value)));
    }

    /**
     * The result URLs of a finished task. KIE sends {@code resultJson} as a JSON document inside a
     * string; an object is accepted too. Each entry is stripped; one that is not text, blank or not a URI
     * is skipped. Empty when none is left.
     */
    static Optional<List<URI>> resultUrls(JsonNode data) {
        JsonNode result = data.path("resultJson");
        if (result.isString()) {
            result = parse(result.asString());
        }
        if (!result.path("resultUrls").isArray()) {
            return Optional.empty();
        }
        // one unreadable entry (null, not text, blank, not a URI) is skipped: it used to empty the whole
        // list, and a success with a usable URL failed as provider_no_output
        List<URI> urls = new ArrayList<>();
        for (JsonNode url : result.path("resultUrls")) {
            String text = url.isString() ? url.asString().strip() : "";
            if (text.isEmpty()) {
                continue;
            }
            try {
                urls.add(URI.create(text));
            } catch (IllegalArgumentException unreadable) {
                // skipped
            }
        }
        return urls.isEmpty() ? Optional.empty() : Optional.of(urls);
    }

    static String text(JsonNode node, String fallback) {
        return presentText(node).orElse(fallback);
    }

    /** The node as text, empty when it is missing, null or blank. */
    static Optional<String> presentText(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        String s = node.isValueNode() ? node.asString() : node.toString();
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}

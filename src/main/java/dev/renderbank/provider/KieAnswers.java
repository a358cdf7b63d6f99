package dev.renderbank.provider;

import dev.renderbank.provider.ProviderError.Kind;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reading KIE's {@code {code, msg, data}} answers. KIE reports errors both as HTTP statuses and as
 * a {@code code} in a 200 body, so both are looked at: a non-200 body code wins, else the status.
 */
final class KieAnswers {

    private static final JsonMapper JSON = JsonMapper.shared();

    private KieAnswers() {}

    /** The parsed body, or null when it is not a JSON object. */
    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    static boolean isSuccess(int httpStatus, JsonNode body) {
        return httpStatus / 100 == 2
                && body != null
                && body.path("code").isNumber()
                && body.path("code").asInt() == 200;
    }

    static ProviderError classify(int httpStatus, JsonNode body) {
        int bodyCode = body != null && body.path("code").canConvertToInt()
                ? body.path("code").asInt()
                : 0;
        int code = bodyCode != 0 && bodyCode != 200 ? bodyCode : httpStatus;
        String msg =
                body != null && body.path("msg").isString() ? body.path("msg").asString() : null;
        if (msg == null || msg.isBlank()) {
            msg = "HTTP " + httpStatus + (code != httpStatus ? ", code " + code : "");
        }
        return new ProviderError(kindOf(code), code, msg);
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
     * string; an object is accepted too. Null when there are none to be read.
     */
    static List<URI> resultUrls(JsonNode data) {
        JsonNode result = data.path("resultJson");
        if (result.isString()) {
            result = parse(result.asString());
        }
        if (result == null || !result.path("resultUrls").isArray()) {
            return null;
        }
        List<URI> urls = new ArrayList<>();
        for (JsonNode url : result.path("resultUrls")) {
            if (!url.isString()) {
                return null;
            }
            try {
                urls.add(URI.create(url.asString()));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return urls.isEmpty() ? null : urls;
    }

    static String text(JsonNode node, String fallback) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        String s = node.isValueNode() ? node.asString() : node.toString();
        return s == null || s.isBlank() ? fallback : s;
    }
}

package dev.renderbank.provider.internal;

import dev.renderbank.provider.ProviderError;
import dev.renderbank.provider.ProviderError.Kind;
import dev.renderbank.provider.QueryOutcome;
import dev.renderbank.provider.SubmitRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * KIE's Flux Kontext API (docs.kie.ai/flux-kontext-api): {@code flux-kontext-pro} and {@code
 * flux-kontext-max} are not served by createTask and recordInfo but by endpoints of their own, like
 * Veo's. Create is {@code POST /api/v1/flux/kontext/generate} with a flat body ({@code model},
 * {@code callBackUrl} and the request's fields: {@code prompt}, {@code inputImage}, {@code
 * outputFormat} ...), answered like createTask ({@code data.taskId}); query is {@code GET
 * /api/v1/flux/kontext/record-info?taskId=}, whose {@code data.successFlag} is 0 generating, 1
 * success ({@code data.response.resultImageUrl}), 2 create task failed, 3 generation failed ({@code
 * errorCode}, {@code errorMessage}). Errors come as HTTP status or body {@code code} as elsewhere at
 * KIE, and are read the same way ({@link KieAnswers}, {@link KieOutcomes#submit}).
 */
final class FluxKontext {

    private static final Logger log = LoggerFactory.getLogger(FluxKontext.class);
    private static final JsonMapper JSON = JsonMapper.shared();

    static final String GENERATE = "/api/v1/flux/kontext/generate";
    static final String RECORD_INFO = "/api/v1/flux/kontext/record-info";

    /** The provider models this API serves; every other model goes to createTask. */
    static final Set<String> MODELS = Set.of("flux-kontext-pro", "flux-kontext-max");

    private static final int UNKNOWN_FLAGS_LOGGED = 20;
    private static final Set<Integer> unknownFlagsLogged = ConcurrentHashMap.newKeySet();

    private FluxKontext() {}

    static boolean serves(String providerModel) {
        return providerModel != null && MODELS.contains(providerModel);
    }

    /**
     * {@code {"model": …, "callBackUrl": …, <the input's fields>}}: the request's input (one JSON
     * object, see {@link SubmitRequest}) is the body's own fields here, not an {@code input} object;
     * the model and callback of the request win over fields of the same name in it. An input stored
     * in createTask's shape (jobs accepted before these models moved here) is translated first
     * ({@link #fromCreateTaskShape}).
     */
    static String generateBody(SubmitRequest request) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", request.providerModel());
        if (request.callbackUrl() != null) {
            body.put("callBackUrl", request.callbackUrl());
        }
        ObjectNode input = fromCreateTaskShape((ObjectNode) JSON.readTree(request.inputJson()));
        for (Map.Entry<String, JsonNode> field : input.properties()) {
            if (!body.has(field.getKey())) {
                body.set(field.getKey(), field.getValue());
            }
        }
        return JSON.writeValueAsString(body);
    }

    /**
     * A job accepted before flux-kontext-pro/-max moved to this API keeps the input it was accepted
     * with, in createTask's shape: {@code image_urls}, {@code output_format} ({@code jpg}, {@code
     * jpeg} or {@code png}) and {@code resolution}. This API knows none of those names (an edit sent
     * so would silently become text-to-image), so they become {@code inputImage} (the first URL) and
     * {@code outputFormat} ({@code jpeg} or {@code png}) where those are absent, and are dropped;
     * {@code resolution} has no counterpart here.
     */
    private static ObjectNode fromCreateTaskShape(ObjectNode input) {
        JsonNode images = input.remove("image_urls");
        JsonNode format = input.remove("output_format");
        input.remove("resolution");
        if (!input.has("inputImage") && images != null && images.isArray() && !images.isEmpty()) {
            input.set("inputImage", images.get(0));
        }
        if (!input.has("outputFormat") && format != null && format.isString()) {
            String value = format.asString().strip().toLowerCase(Locale.ROOT);
            input.put("outputFormat", value.equals("jpg") ? "jpeg" : value);
        }
        return input;
    }

    /**
     * A record-info answer, read as {@link KieOutcomes#query} reads recordInfo's: a body code 501
     * (KIE's "generation failed") and a record that failed (flag 2 or 3) are final; any other error,
     * a bare 501 status included, is
     * {@link QueryOutcome.Unavailable}, asked again; a success without a result image URL, or a
     * record without a readable flag, may be KIE still writing it (asked again until that persists).
     */
    static QueryOutcome query(int status, JsonNode body) {
        Optional<QueryOutcome> unsuccessful = KieOutcomes.unsuccessful(status, body);
        if (unsuccessful.isPresent()) {
            return unsuccessful.get();
        }
        JsonNode data = body.path("data");
        JsonNode flagNode = data.path("successFlag");
        OptionalInt flag = flag(flagNode);
        if (flag.isEmpty()) {
            return new QueryOutcome.Unavailable(new ProviderError(
                    Kind.RECORD_WITHOUT_STATE,
                    status,
                    flagNode.isMissingNode() || flagNode.isNull()
                            ? "record-info answered without a successFlag"
                            : "record-info answered a successFlag that is not a whole number (" + flagNode.getNodeType()
                                    + ")"));
        }
        return switch (flag.getAsInt()) {
            case 0 -> new QueryOutcome.Running("generating", KieAnswers.progress(data));
            case 1 ->
                resultImageUrl(data)
                        .<QueryOutcome>map(url -> new QueryOutcome.Succeeded(List.of(url)))
                        .orElseGet(() -> new QueryOutcome.Unavailable(new ProviderError(
                                Kind.INCOMPLETE_RECORD,
                                status,
                                "record-info answered success without a resultImageUrl")));
            case 2, 3 ->
                new QueryOutcome.Failed(
                        KieAnswers.text(data.path("errorCode"), "unknown"),
                        KieAnswers.text(
                                data.path("errorMessage"),
                                flag.getAsInt() == 2
                                        ? "The provider could not create the task"
                                        : "The provider reported the generation failed"));
            default -> {
                // a flag KIE adds later: not finished as far as we know (the job's deadline ends it)
                int unknown = flag.getAsInt();
                if (unknownFlagsLogged.size() < UNKNOWN_FLAGS_LOGGED && unknownFlagsLogged.add(unknown)) {
                    log.warn(
                            "Flux Kontext record-info answered the undocumented successFlag {}: read as still"
                                    + " running (logged once per flag)",
                            unknown);
                }
                yield new QueryOutcome.Running("successFlag " + unknown, KieAnswers.progress(data));
            }
        };
    }

    /** A JSON whole number, or digits in a string. */
    private static OptionalInt flag(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return OptionalInt.of(node.asInt());
        }
        if (node.isString() && node.asString().strip().matches("[0-9]{1,9}")) {
            return OptionalInt.of(Integer.parseInt(node.asString().strip()));
        }
        return OptionalInt.empty();
    }

    /**
     * {@code data.response.resultImageUrl}: the generated image as KIE keeps it (14 days). {@code
     * originImageUrl} is not taken in its place: in editing mode it may be the image sent.
     */
    private static Optional<URI> resultImageUrl(JsonNode data) {
        JsonNode url = data.path("response").path("resultImageUrl");
        if (!url.isString() || url.asString().isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(URI.create(url.asString().strip()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}

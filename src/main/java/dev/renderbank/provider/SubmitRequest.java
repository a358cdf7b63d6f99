package dev.renderbank.provider;

import java.util.Map;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * One createTask call. {@code providerModel} is the provider's model name (e.g.
 * {@code sora-2-text-to-video}); {@code inputJson} is the provider's {@code input} object as JSON
 * text, sent as it is (a job's stored input, checked at its accept, is passed through without being
 * read into a map and written again); {@code callbackUrl} carries our job id and an unguessable
 * per-job token.
 *
 * <p>The input must be exactly one JSON object (null: an empty one), so that the createTask body
 * built around it is always one well-formed JSON object; anything else is refused here, before
 * anything is sent.
 */
public record SubmitRequest(String jobId, String providerModel, String inputJson, String callbackUrl) {

    private static final JsonMapper JSON = JsonMapper.shared();

    public SubmitRequest {
        inputJson = inputJson == null ? "{}" : inputJson;
        requireOneObject(inputJson);
    }

    /** The input given as a map (written as JSON once, here). */
    public SubmitRequest(String jobId, String providerModel, Map<String, ?> input, String callbackUrl) {
        this(jobId, providerModel, JSON.writeValueAsString(input == null ? Map.of() : input), callbackUrl);
    }

    /** Tokenises the text without building it (cheaper than reading it into a map). */
    private static void requireOneObject(String json) {
        try (JsonParser parser = JSON.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("the provider input is not a JSON object");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("the provider input has more than one JSON value");
            }
        } catch (tools.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("the provider input is not well-formed JSON: " + e.getOriginalMessage());
        }
    }
}

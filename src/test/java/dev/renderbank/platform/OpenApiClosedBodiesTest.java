package dev.renderbank.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.renderbank.support.Api;
import dev.renderbank.support.IntegrationTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI description says that a JSON request body takes only the fields its schema lists
 * ({@code additionalProperties: false}), as the API holds it to (a field the request does not have is
 * a 400 naming it), and does not say so of answers, which may gain fields.
 */
class OpenApiClosedBodiesTest extends IntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void everyJsonRequestBodyIsClosedAndAnswersAreNot() {
        JsonNode doc = new Api(port).get("/v3/api-docs", null).json();
        List<String> open = new ArrayList<>();
        List<String> closed = new ArrayList<>();
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(op -> {
                    String route = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                    JsonNode body = op.getValue().at("/requestBody/content/application~1json/schema");
                    if (!body.isMissingNode() && !closed(resolve(doc, body))) {
                        open.add(route);
                    }
                    op.getValue()
                            .path("responses")
                            .properties()
                            .forEach(r -> r.getValue()
                                    .path("content")
                                    .properties()
                                    .forEach(media -> {
                                        if (closed(resolve(doc, media.getValue().path("schema")))) {
                                            closed.add(route + " " + r.getKey());
                                        }
                                    }));
                }));
        assertThat(open)
                .as("JSON request bodies that do not say they take only their fields")
                .isEmpty();
        assertThat(closed).as("answers described as never gaining a field").isEmpty();
        JsonNode settings = doc.at("/paths/~1api~1v1~1notification-settings/put");
        assertThat(resolve(doc, settings.at("/requestBody/content/application~1json/schema"))
                        .path("properties")
                        .has("creditsLowThreshold"))
                .as("the closed request body keeps the fields of the answer it shares a record with")
                .isTrue();
    }

    private static boolean closed(JsonNode schema) {
        JsonNode more = schema.path("additionalProperties");
        return more.isBoolean() && !more.asBoolean();
    }

    private static JsonNode resolve(JsonNode doc, JsonNode schema) {
        if (schema.has("$ref")) {
            return doc.at("/components/schemas/" + schema.get("$ref").asString().replace("#/components/schemas/", ""));
        }
        return schema;
    }
}

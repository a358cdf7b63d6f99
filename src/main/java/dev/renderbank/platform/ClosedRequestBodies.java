package dev.renderbank.platform;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;

/**
 * The OpenAPI description says what {@link StrictJsonBodies} does: a JSON request body takes only
 * the fields its schema lists ({@code additionalProperties: false}). A schema that is also an answer
 * (notification settings are sent and answered alike) stays open where it is an answer, since answers
 * may gain fields: the request body gets a closed copy of it instead of the reference.
 */
final class ClosedRequestBodies implements OpenApiCustomizer {

    private static final String COMPONENTS = "#/components/schemas/";

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public void customise(OpenAPI api) {
        if (api.getPaths() == null
                || api.getComponents() == null
                || api.getComponents().getSchemas() == null) {
            return;
        }
        Map<String, Schema> components = api.getComponents().getSchemas();
        Set<String> answered = new HashSet<>();
        api.getPaths()
                .values()
                .forEach(item -> item.readOperations().forEach(op -> {
                    if (op.getResponses() != null) {
                        op.getResponses()
                                .values()
                                .forEach(r ->
                                        schemas(r.getContent()).forEach(s -> collectRefs(s, components, answered)));
                    }
                }));
        api.getPaths()
                .values()
                .forEach(item -> item.readOperations().forEach(op -> {
                    if (op.getRequestBody() == null || op.getRequestBody().getContent() == null) {
                        return;
                    }
                    for (MediaType media : op.getRequestBody().getContent().values()) {
                        Schema schema = media.getSchema();
                        if (schema == null
                                || schema.get$ref() == null
                                || !schema.get$ref().startsWith(COMPONENTS)) {
                            continue;
                        }
                        String name = schema.get$ref().substring(COMPONENTS.length());
                        Schema component = components.get(name);
                        if (component == null || component.getProperties() == null) {
                            continue;
                        }
                        if (answered.contains(name)) {
                            media.setSchema(new ObjectSchema()
                                    .description(component.getDescription())
                                    .properties(component.getProperties())
                                    .required(component.getRequired())
                                    .additionalProperties(false));
                        } else {
                            component.setAdditionalProperties(false);
                        }
                    }
                }));
    }

    @SuppressWarnings("rawtypes")
    private static List<Schema> schemas(Content content) {
        return content == null
                ? List.of()
                : content.values().stream()
                        .map(MediaType::getSchema)
                        .filter(s -> s != null)
                        .toList();
    }

    /** The components {@code schema} refers to, directly or through the components it refers to. */
    @SuppressWarnings("rawtypes")
    private static void collectRefs(Schema schema, Map<String, Schema> components, Set<String> into) {
        if (schema == null) {
            return;
        }
        if (schema.get$ref() != null && schema.get$ref().startsWith(COMPONENTS)) {
            String name = schema.get$ref().substring(COMPONENTS.length());
            if (into.add(name)) {
                collectRefs(components.get(name), components, into);
            }
            return;
        }
        if (schema.getProperties() != null) {
            for (Object p : schema.getProperties().values()) {
                collectRefs((Schema) p, components, into);
            }
        }
        collectRefs(schema.getItems(), components, into);
        if (schema.getAdditionalProperties() instanceof Schema more) {
            collectRefs(more, components, into);
        }
        for (List<Schema> group : java.util.Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
            if (group != null) {
                group.forEach(s -> collectRefs(s, components, into));
            }
        }
    }
}
